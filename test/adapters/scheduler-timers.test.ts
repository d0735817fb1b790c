import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SchedulerTimers, atExpression } from '../../lambdas/adapters/scheduler-timers.ts';

const scheduler = mockClient(SchedulerClient);
beforeEach(() => scheduler.reset());

const options = {
  group: 'dispatch-prod',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler',
  workerArn: 'arn:aws:lambda:eu-west-1:123456789012:function:worker',
};
const job = { kind: 'deadline' as const, key: 'self-service:abc', occurrence: 1 };

describe('SchedulerTimers', () => {
  it('sets a one-time schedule that invokes the worker with the job and deletes itself', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({});
    // Act
    await new SchedulerTimers(new SchedulerClient({}), options).set(
      'deadline-1',
      Date.parse('2026-11-23T13:00:00.250Z'),
      job,
    );
    // Assess
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'deadline-1',
      GroupName: 'dispatch-prod',
      ScheduleExpression: 'at(2026-11-23T13:00:01)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: options.workerArn,
        RoleArn: options.roleArn,
        Input: JSON.stringify(job),
        RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
      },
    });
  });

  it('treats a schedule that already exists as set (a retried step)', async () => {
    // Prepare
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    // Act / Assess
    await expect(
      new SchedulerTimers(new SchedulerClient({}), options).set('deadline-1', 0, job),
    ).resolves.toBeUndefined();
  });

  it('cancels, and treats a schedule that is gone as cancelled', async () => {
    // Prepare
    scheduler
      .on(DeleteScheduleCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }))
      .resolves({});
    const timers = new SchedulerTimers(new SchedulerClient({}), { group: 'dispatch-prod' });
    // Act
    await timers.cancel('deadline-1');
    await timers.cancel('reminder-1');
    // Assess
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: 'deadline-1', GroupName: 'dispatch-prod' },
      { Name: 'reminder-1', GroupName: 'dispatch-prod' },
    ]);
  });

  it('reports other scheduler failures as retryable', async () => {
    // Prepare
    scheduler
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    // Act / Assess
    await expect(
      new SchedulerTimers(new SchedulerClient({}), options).set('d', 0, job),
    ).rejects.toMatchObject({
      vendor: 'scheduler',
      retryable: true,
    });
  });

  it('rounds times up to the second', () => {
    expect(atExpression(Date.parse('2026-11-23T13:00:00.000Z'))).toBe('at(2026-11-23T13:00:00)');
  });
});
