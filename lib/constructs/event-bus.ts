/**
 * Where Dispatch publishes its events (answers, escalations, timeouts, resolves; README "Events"): an Amazon
 * EventBridge event bus, the account's default bus unless `events.busName` names another. Dispatch creates no bus;
 * the functions that publish may put events on that one bus only.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html
 */
import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/** `events.busName` as the functions read it (DISPATCH_EVENT_BUS): a name, an ARN, or `default`. */
export function eventBusName(busName: string | undefined): string {
  return busName ?? 'default';
}

/** The bus's ARN: as given, or `arn:<partition>:events:<region>:<account>:event-bus/<name>` in the stack's account. */
export function eventBusArn(stack: Stack, busName: string | undefined): string {
  const name = eventBusName(busName);
  if (name.startsWith('arn:')) return name;
  return stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: name });
}

/** events:PutEvents on the bus only (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). */
export function grantPutEvents(role: iam.IRole, busArn: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'PublishEvents', actions: ['events:PutEvents'], resources: [busArn] }),
  );
}
