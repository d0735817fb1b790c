/**
 * IAM as used (issue 13): each function's role allows exactly the AWS calls its code makes.
 *
 * The calls come from the code (test/infra/sdk-calls.ts follows the call graph from each function's entry and
 * collects the `@aws-sdk` commands it can send); the grants come from the synthesised template. A grant no code
 * uses, or a command no grant allows, fails the test, naming the function and the action.
 * Command -> action: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
 */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/build-app.ts';
import { PROJECT_ROOT, RouterFunction } from '../../lib/constructs/router-function.ts';
import type { DispatchStack } from '../../lib/dispatch-stack.ts';
import { SdkCallGraph, type SdkCommand } from './sdk-calls.ts';

/** IAM service prefix of each SDK package the lambdas may use. */
const SERVICE: Record<string, string> = {
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-ssm': 'ssm',
};

/** Commands whose IAM actions are not `service:<command name without "Command">`. */
const ACTIONS_OF: Record<string, string[]> = {
  // https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
  '@aws-sdk/client-lambda InvokeCommand': ['lambda:InvokeFunction'],
  // The schedule's target role is handed to EventBridge Scheduler:
  // https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
  '@aws-sdk/client-scheduler CreateScheduleCommand': ['scheduler:CreateSchedule', 'iam:PassRole'],
  // The document client's commands are the item operations of the low-level API:
  // https://docs.aws.amazon.com/AWSJavaScriptSDK/v3/latest/Package/-aws-sdk-lib-dynamodb/
  '@aws-sdk/lib-dynamodb GetCommand': ['dynamodb:GetItem'],
  '@aws-sdk/lib-dynamodb PutCommand': ['dynamodb:PutItem'],
  '@aws-sdk/lib-dynamodb UpdateCommand': ['dynamodb:UpdateItem'],
  '@aws-sdk/lib-dynamodb DeleteCommand': ['dynamodb:DeleteItem'],
  '@aws-sdk/lib-dynamodb BatchGetCommand': ['dynamodb:BatchGetItem'],
  '@aws-sdk/lib-dynamodb BatchWriteCommand': ['dynamodb:BatchWriteItem'],
  '@aws-sdk/lib-dynamodb TransactGetCommand': ['dynamodb:TransactGetItems'],
  '@aws-sdk/lib-dynamodb TransactWriteCommand': ['dynamodb:TransactWriteItems'],
  '@aws-sdk/lib-dynamodb QueryCommand': ['dynamodb:Query'],
  '@aws-sdk/lib-dynamodb ScanCommand': ['dynamodb:Scan'],
};

export function actionsOf(command: Pick<SdkCommand, 'pkg' | 'name'>): string[] {
  const mapped = ACTIONS_OF[`${command.pkg} ${command.name}`];
  if (mapped) return mapped;
  const service = SERVICE[command.pkg];
  if (!service || command.pkg === '@aws-sdk/lib-dynamodb')
    throw new Error(`no IAM action known for ${command.pkg} ${command.name}: add it to ACTIONS_OF`);
  return [`${service}:${command.name.replace(/Command$/, '')}`];
}

interface Statement {
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

interface FunctionFacts {
  /** Logical ID of the function's log group. */
  logGroup?: string;
  /** Logical ID of the SQS queue failed asynchronous invocations go to, and of the key that encrypts it. */
  destinationQueue?: string;
  destinationKey?: string;
  /** AWS actions the code uses. */
  used: Set<string>;
}

/**
 * Grants that are not calls of the function's code, each with why the role holds it. A statement is excused only as
 * a whole, and only when its resources are the ones the reason names.
 */
const NOT_FROM_CODE: {
  actions: string[];
  reason: string;
  applies: (s: Statement, fn: FunctionFacts) => boolean;
}[] = [
  {
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    reason: 'The Lambda service writes the function’s own log group (RouterFunction).',
    applies: (s, fn) => !!fn.logGroup && JSON.stringify(s.Resource).includes(`"${fn.logGroup}"`),
  },
  {
    actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
    reason:
      'The Lambda service sends failed asynchronous invocations to the on-failure SQS destination with the function’s role (CDK SqsDestination).',
    applies: (s, fn) => !!fn.destinationQueue && JSON.stringify(s.Resource).includes(fn.destinationQueue),
  },
  {
    actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
    reason:
      'The on-failure destination queue is encrypted with a Dispatch key; the Lambda service encrypts the record with the function’s role.',
    applies: (s, fn) => !!fn.destinationKey && JSON.stringify(s.Resource).includes(fn.destinationKey),
  },
  {
    actions: ['kms:Decrypt'],
    reason:
      'SSM decrypts SecureString parameters with the configured key for ssm:GetParameters (WithDecryption); kms:ViaService limits it to SSM.',
    applies: (s, fn) =>
      fn.used.has('ssm:GetParameters') &&
      /^"ssm\.|"ssm\.".*"\.amazonaws\.com"/.test(
        JSON.stringify(s.Condition?.StringEquals?.['kms:ViaService'] ?? ''),
      ),
  },
];

const list = (a: string | string[]) => (Array.isArray(a) ? a : [a]);

/** The example-rest environment with a customer-managed SSM key, so every kind of grant appears. */
function synth(): { stack: DispatchStack; template: Template } {
  const cdk = JSON.parse(readFileSync('cdk.json', 'utf8')) as {
    context: { environments: Record<string, Record<string, unknown>> };
  };
  const environments = {
    'example-rest': {
      ...cdk.context.environments['example-rest'],
      ssmKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  };
  const app = new App({ context: { environments, 'aws:cdk:bundling-stacks': [] } });
  const [stack] = buildApp(app, ['example-rest']);
  app.synth();
  return { stack: stack!, template: Template.fromStack(stack!) };
}

interface Drift {
  entry: string;
  /** What the code sends, as `action <- Command (file:line)`. */
  sends: string[];
  /** Allowed by the role but sent by no code, and not a grant of NOT_FROM_CODE. */
  grantedButUnused: string[];
  /** Sent by the code but not allowed by the role. */
  usedButNotGranted: string[];
}

/** A value inside a template resource, or undefined. */
function at(value: unknown, ...path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined),
    value,
  );
}

let drifts: Drift[];

beforeAll(() => {
  const { stack, template } = synth();
  const resources = (
    template.toJSON() as { Resources: Record<string, { Type: string; Properties: unknown }> }
  ).Resources;
  const functions = stack.node.findAll().filter((c): c is RouterFunction => c instanceof RouterFunction);
  const graph = new SdkCallGraph(
    functions.map((f) => f.entry),
    PROJECT_ROOT,
  );
  drifts = functions.map((f) => {
    const commands = graph.commandsFrom(f.entry);
    const used = new Set(commands.flatMap(actionsOf));
    const roleId = stack.getLogicalId(f.role.node.defaultChild as CfnElement);
    const fnId = stack.getLogicalId(f.fn.node.defaultChild as CfnElement);
    const role = resources[roleId]!.Properties;
    if (at(role, 'ManagedPolicyArns'))
      throw new Error(`${f.entry}: a managed policy on its role hides its actions`);
    const documents = [
      ...((at(role, 'Policies') as { PolicyDocument: unknown }[] | undefined) ?? []).map(
        (p) => p.PolicyDocument,
      ),
      ...Object.values(resources)
        .filter(
          (r) =>
            r.Type === 'AWS::IAM::Policy' &&
            JSON.stringify(at(r.Properties, 'Roles')).includes(`"${roleId}"`),
        )
        .map((r) => at(r.Properties, 'PolicyDocument')),
    ];
    const statements = documents.flatMap((d) => at(d, 'Statement') as Statement[]);
    const invokeConfig = Object.values(resources).find(
      (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && at(r.Properties, 'FunctionName', 'Ref') === fnId,
    );
    const queue = at(
      invokeConfig?.Properties,
      'DestinationConfig',
      'OnFailure',
      'Destination',
      'Fn::GetAtt',
      0,
    ) as string | undefined;
    const facts: FunctionFacts = {
      used,
      logGroup: at(resources[fnId]!.Properties, 'LoggingConfig', 'LogGroup', 'Ref') as string | undefined,
      destinationQueue: queue,
      destinationKey:
        queue && (at(resources[queue]?.Properties, 'KmsMasterKeyId', 'Fn::GetAtt', 0) as string | undefined),
    };
    const granted = new Set<string>();
    for (const s of statements) {
      const actions = list(s.Action);
      const excused = NOT_FROM_CODE.some(
        (e) => actions.every((a) => e.actions.includes(a)) && e.applies(s, facts),
      );
      // An excused statement still allows what the code itself sends: the incoming function sends rejected alarms
      // to the on-failure destination queue with sqs:SendMessage, the same statement Lambda's destination uses.
      for (const a of actions) if (!excused || used.has(a)) granted.add(a);
    }
    return {
      entry: f.entry,
      sends: [...new Set(commands.map((c) => `${actionsOf(c).join(' + ')} <- ${c.name}`))].sort(),
      grantedButUnused: [...granted].filter((a) => !used.has(a)).sort(),
      usedButNotGranted: [...used]
        .filter((a) => !granted.has(a))
        .map((a) => {
          const by = commands.filter((c) => actionsOf(c).includes(a));
          return `${a} (${by.map((c) => `${c.at} via ${c.via.slice(-4).join(' > ')}`).join('; ')})`;
        })
        .sort(),
    };
  });
}, 30_000);

describe('IAM as used (issue 13)', () => {
  it('finds the three functions and what their code sends, method by method', () => {
    expect(drifts.map((d) => d.entry).sort()).toEqual([
      'lambdas/incoming/handler.ts',
      'lambdas/triage/handler.ts',
      'lambdas/triage/worker.ts',
    ]);
    const sends = (entry: string) => drifts.find((d) => d.entry === entry)!.sends.join('\n');
    // Every function reads its secrets; only the triage function queues work for the worker.
    for (const d of drifts) expect(d.sends).toContain('ssm:GetParameters <- GetParametersCommand');
    expect(sends('lambdas/triage/handler.ts')).toContain('lambda:InvokeFunction <- InvokeCommand');
    // The triage function imports the ledger adapter but never looks an alarm up by message (BatchGet) nor
    // joins one (Put): a method it does not call is not charged to it.
    expect(sends('lambdas/incoming/handler.ts')).toContain('dynamodb:BatchGetItem');
    expect(sends('lambdas/triage/handler.ts')).not.toMatch(/BatchGetItem|PutItem/);
    // Only the incoming function dead-letters rejected alarms itself; the worker shares its wiring module, not that.
    expect(sends('lambdas/incoming/handler.ts')).toContain('sqs:SendMessage <- SendMessageCommand');
    expect(sends('lambdas/triage/worker.ts')).not.toContain('sqs:SendMessage');
  });

  it('grants each function exactly the AWS calls its code makes', () => {
    expect(
      drifts.map(({ entry, grantedButUnused, usedButNotGranted }) => ({
        entry,
        grantedButUnused,
        usedButNotGranted,
      })),
    ).toEqual(drifts.map(({ entry }) => ({ entry, grantedButUnused: [], usedButNotGranted: [] })));
  });

  it('maps an SDK command to its IAM action, and refuses one it does not know', () => {
    expect(actionsOf({ pkg: '@aws-sdk/client-ssm', name: 'GetParametersCommand' })).toEqual([
      'ssm:GetParameters',
    ]);
    expect(actionsOf({ pkg: '@aws-sdk/lib-dynamodb', name: 'UpdateCommand' })).toEqual([
      'dynamodb:UpdateItem',
    ]);
    expect(() => actionsOf({ pkg: '@aws-sdk/client-s3', name: 'GetObjectCommand' })).toThrow(/ACTIONS_OF/);
  });
});
