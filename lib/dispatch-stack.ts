/** One Dispatch environment: alarm topic and router, triage API and worker, ledger, monitoring. */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { SECRET, pagerdutySecrets } from '../lambdas/shared/env.ts';
import type { EnvironmentConfig } from './config.ts';
import { eventBusArn, eventBusName, grantPutEvents } from './constructs/event-bus.ts';
import { Incoming } from './constructs/incoming.ts';
import { Ledger } from './constructs/ledger.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { NativeSources, sourcesEnvironment } from './constructs/native-sources.ts';
import { PromptTimers } from './constructs/prompt-timers.ts';
import { grantSecrets } from './constructs/secret-access.ts';
import { TriageApi } from './constructs/triage-api.ts';

export interface DispatchStackProps extends StackProps {
  envName: string;
  config: EnvironmentConfig;
}

export class DispatchStack extends Stack {
  readonly incoming: Incoming;
  readonly triage: TriageApi;
  readonly ledger: Ledger;
  readonly monitoring: Monitoring;
  readonly timers: PromptTimers;
  readonly sources: NativeSources;

  constructor(scope: Construct, id: string, props: DispatchStackProps) {
    super(scope, id, props);
    const { config } = props;
    const ssmPrefix = config.ssmPrefix ?? `/dispatch/${props.envName}`;
    this.ledger = new Ledger(this, 'Ledger');

    const environment = functionEnvironment(config, ssmPrefix, this.ledger.table.tableName);
    this.incoming = new Incoming(this, 'Incoming', {
      environment: {
        ...environment,
        // Leases outlive one invocation, so a retry after a timeout reconciles instead of racing.
        DISPATCH_LEASE_MS: String((config.incoming.timeoutSeconds + 30) * 1000),
      },
      memoryMb: config.incoming.memoryMb,
      timeoutSeconds: config.incoming.timeoutSeconds,
      reservedConcurrency: config.incoming.reservedConcurrency,
      publishers: config.publishers,
      producers: config.producers,
      dlqRetentionDays: config.dlqRetentionDays,
    });
    // Native sources: an EventBridge rule per enabled source, sending its events to the alarm topic.
    this.sources = new NativeSources(this, 'Sources', {
      topic: this.incoming.topic,
      key: this.incoming.key,
      sources: config.sources,
    });
    this.triage = new TriageApi(this, 'Triage', {
      environment,
      rateLimit: config.triage.rateLimit,
      burstLimit: config.triage.burstLimit,
      slack: { teamId: config.slack.teamId, appId: config.slack.appId },
      key: this.incoming.key,
      dlqRetentionDays: config.dlqRetentionDays,
    });

    const githubSecret = config.github.app ? SECRET.githubAppPrivateKey : SECRET.githubToken;
    // In Events mode the PagerDuty API token is optional and read when stored (lambdas/shared/wiring-base.ts).
    const vendorSecrets = [SECRET.slackBotToken, githubSecret, ...pagerdutySecrets(config.pagerduty.mode)];
    grantSecrets(this.incoming.fn.role, ssmPrefix, vendorSecrets, config.ssmKmsKeyArn);
    grantSecrets(this.triage.worker.role, ssmPrefix, vendorSecrets, config.ssmKmsKeyArn);
    // The triage function opens the reason modal itself (views.open, within the click's 3-second window).
    grantSecrets(
      this.triage.fn.role,
      ssmPrefix,
      [SECRET.slackSigningSecret, SECRET.slackBotToken],
      config.ssmKmsKeyArn,
    );
    // What each function's code does with the ledger (test/infra/iam-as-used.test.ts derives it from the code):
    // the incoming function looks alarms up by message (BatchGetItem) and records them (PutItem); it and the worker
    // record steps done in batches (BatchWriteItem); the triage function reads records and settles answers.
    this.ledger.grantLedger(this.incoming.fn.role, [
      'GetItem',
      'BatchGetItem',
      'BatchWriteItem',
      'PutItem',
      'UpdateItem',
    ]);
    this.ledger.grantLedger(this.triage.worker.role, ['GetItem', 'BatchWriteItem', 'UpdateItem']);
    this.ledger.grantLedger(this.triage.fn.role, ['GetItem', 'UpdateItem']);

    this.timers = new PromptTimers(this, 'PromptTimers', {
      groupName: `dispatch-${props.envName}`,
      worker: this.triage.worker.fn,
    });
    const timerEnvironment = this.timers.environment(this.triage.worker.fn.functionArn);
    for (const [name, value] of Object.entries(timerEnvironment))
      this.incoming.fn.fn.addEnvironment(name, value);
    // The worker cancels timers, and sets a snooze's expiry timer: it needs the group and the scheduler's role,
    // not its own ARN (which would make a cycle; it takes it from its invocation, see lambdas/triage/worker.ts).
    for (const name of ['DISPATCH_SCHEDULE_GROUP', 'DISPATCH_SCHEDULER_ROLE_ARN'])
      this.triage.worker.fn.addEnvironment(name, timerEnvironment[name]!);
    this.timers.grantSet(this.incoming.fn.role);
    this.timers.grantSet(this.triage.worker.role);
    // A prompt whose DM Slack refused is never answered: the incoming function cancels its timers.
    this.timers.grantCancel(this.incoming.fn.role);
    this.timers.grantCancel(this.triage.worker.role);

    // Events: the incoming function publishes resolves, the worker answers, escalations and timeouts; on one bus.
    const busArn = eventBusArn(this, config.events.busName);
    for (const fn of [this.incoming.fn, this.triage.worker]) {
      fn.fn.addEnvironment('DISPATCH_EVENT_BUS', eventBusName(config.events.busName));
      grantPutEvents(fn.role, busArn);
    }

    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: {
        Incoming: this.incoming.fn.fn,
        Triage: this.triage.fn.fn,
        TriageWorker: this.triage.worker.fn,
      },
      deadLetterQueues: { Alarms: this.incoming.dlq, Triage: this.triage.dlq },
      api: this.triage.api,
      email: config.ops.email,
      topicArn: config.ops.topicArn,
    });

    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.incoming.topic.topicArn,
      description: 'Publish alarms here',
    });
    for (const [name, topic] of Object.entries(this.incoming.producerTopics)) {
      const id = name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
      new CfnOutput(this, `Producer${id}TopicArn`, {
        value: topic.topicArn,
        description: `Producer "${name}" publishes here`,
      });
    }
    new CfnOutput(this, 'TriageUrl', {
      value: this.triage.url,
      description: 'Slack app interactivity request URL',
    });
    new CfnOutput(this, 'DeadLetterQueueUrl', {
      value: this.incoming.dlq.queueUrl,
      description: 'Alarms that could not be delivered',
    });
    new CfnOutput(this, 'TriageDeadLetterQueueUrl', {
      value: this.triage.dlq.queueUrl,
      description: 'Answers that could not be carried out',
    });
    new CfnOutput(this, 'LedgerTableName', { value: this.ledger.table.tableName });
    new CfnOutput(this, 'TriageWorkerName', {
      value: this.triage.worker.fn.functionName,
      description: 'dispatch snooze and unsnooze hand their issue comment and note to it',
    });
    new CfnOutput(this, 'OpsTopicArn', {
      value: this.monitoring.opsTopic.topicArn,
      description: 'Dispatch’s own alarms',
    });
    new CfnOutput(this, 'SsmPrefix', { value: ssmPrefix, description: 'Where the secrets go' });
  }
}

/** The variables lambdas/shared/env.ts reads, from the environment's config. No secret is ever one of them. */
export function functionEnvironment(
  config: EnvironmentConfig,
  ssmPrefix: string,
  table: string,
): Record<string, string> {
  const optional: Record<string, string | undefined> = {
    DISPATCH_GITHUB_API_URL: config.github.apiUrl,
    DISPATCH_SLACK_API_URL: config.slack.apiUrl,
    DISPATCH_PAGERDUTY_API_URL: config.pagerduty.apiUrl,
    DISPATCH_PAGERDUTY_EVENTS_URL: config.pagerduty.eventsUrl,
    DISPATCH_PAGERDUTY_SERVICE_ID: config.pagerduty.serviceId,
    DISPATCH_PAGERDUTY_FROM: config.pagerduty.from,
    DISPATCH_GITHUB_AUTH: config.github.app ? 'app' : undefined,
    DISPATCH_GITHUB_APP_ID: config.github.app?.appId,
    DISPATCH_GITHUB_APP_INSTALLATION_ID: config.github.app?.installationId,
    DISPATCH_RESPONDERS: config.prompts.responders?.length ? config.prompts.responders.join(',') : undefined,
    DISPATCH_PEOPLE: Object.keys(config.people).length ? JSON.stringify(config.people) : undefined,
  };
  return {
    DISPATCH_GITHUB_OWNER: config.github.owner,
    DISPATCH_GITHUB_DEFAULT_REPO: config.github.defaultRepo,
    DISPATCH_GITHUB_DEFAULT_USER: config.github.defaultUser,
    DISPATCH_SLACK_DEFAULT_CHANNEL: config.slack.defaultChannel,
    DISPATCH_PAGERDUTY_MODE: config.pagerduty.mode,
    DISPATCH_LEDGER_TABLE: table,
    DISPATCH_SSM_PREFIX: ssmPrefix,
    DISPATCH_VENDOR_TIMEOUT_MS: '5000',
    DISPATCH_PROMPT_DEADLINE_MINUTES: String(config.prompts.deadlineMinutes),
    DISPATCH_PROMPT_REMINDER: String(config.prompts.reminder),
    DISPATCH_PROMPT_REQUIRE_REASON: String(config.prompts.requireReason ?? false),
    DISPATCH_PROMPT_ON_TIMEOUT: config.prompts.onTimeout,
    DISPATCH_STORM_WINDOW_SECONDS: String(config.storm.windowSeconds),
    DISPATCH_STORM_NAG_WINDOW_SECONDS: String(config.storm.nagWindowSeconds),
    DISPATCH_USER_DM_CAP: String(config.storm.userDmCap),
    DISPATCH_USER_DM_WINDOW_SECONDS: String(config.storm.userDmWindowSeconds),
    ...Object.fromEntries(Object.entries(optional).filter((e): e is [string, string] => e[1] !== undefined)),
    ...sourcesEnvironment(config.sources),
  };
}
