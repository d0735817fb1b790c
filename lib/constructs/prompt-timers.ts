/**
 * Timers of self-service prompts: an EventBridge Scheduler group whose one-time schedules invoke the triage worker
 * at a prompt's deadline (and halfway, for the reminder), and the role the scheduler uses to do so. The incoming
 * function may create schedules in this group only, and delete them (a prompt whose DM failed cancels its timers);
 * the worker may delete them (an answer cancels its timers).
 */
import { Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export interface PromptTimersProps {
  groupName: string;
  worker: lambda.IFunction;
}

export class PromptTimers extends Construct {
  readonly group: scheduler.CfnScheduleGroup;
  readonly role: iam.Role;
  private readonly schedulesArn: string;

  constructor(scope: Construct, id: string, props: PromptTimersProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.group = new scheduler.CfnScheduleGroup(this, 'Group', { name: props.groupName });
    this.role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'Dispatch: lets EventBridge Scheduler invoke the triage worker at prompt deadlines',
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.worker.functionArn] }),
    );
    this.schedulesArn = stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${props.groupName}/*`,
    });
  }

  /** Environment the incoming function and the worker read to set and cancel timers. */
  environment(workerArn: string): Record<string, string> {
    return {
      DISPATCH_SCHEDULE_GROUP: this.group.name!,
      DISPATCH_SCHEDULER_ROLE_ARN: this.role.roleArn,
      DISPATCH_TRIAGE_WORKER_ARN: workerArn,
    };
  }

  grantSet(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SetPromptTimers',
        actions: ['scheduler:CreateSchedule'],
        resources: [this.schedulesArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'HandTimersTheSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    this.acknowledge(role);
  }

  grantCancel(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CancelPromptTimers',
        actions: ['scheduler:DeleteSchedule'],
        resources: [this.schedulesArn],
      }),
    );
    this.acknowledge(role);
  }

  private acknowledge(role: iam.IRole): void {
    // cdk-nag names the resource as synthesised: with tokens when the stack's account and region are left to the CLI,
    // with the values when an environment sets them in cdk.json.
    const stack = Stack.of(this);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${region}:${account}:schedule/${this.group.name}/*]`,
      reason:
        'Schedules are named per prompt at run time; the grant is limited to Dispatch’s own schedule group.',
    });
  }
}
