/**
 * The AWS calls Dispatch makes besides the ledger, answered on loopback for the benchmark: EventBridge Scheduler
 * (prompt timers), Lambda Invoke (the triage function queueing the worker) and EventBridge PutEvents (Dispatch's
 * events, kept in `events`). Invocations are kept, so the
 * benchmark can run the worker with the job the triage function queued.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { route, serve, type FakeBehaviour, type Running } from '../bin/local/http.ts';

export interface FakeAws extends Running {
  /** Payloads of the asynchronous invocations, oldest first. */
  invocations: unknown[];
  schedules: Map<string, unknown>;
  /** PutEvents entries, oldest first. */
  events: unknown[];
}

export async function startFakeAws(behaviour: FakeBehaviour = {}): Promise<FakeAws> {
  const invocations: unknown[] = [];
  const schedules = new Map<string, unknown>();
  const events: unknown[] = [];
  const running = (await serve(
    [
      // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html (JSON protocol, POST /)
      route('POST', '/', ({ raw }) => {
        const entries = (JSON.parse(raw) as { Entries?: unknown[] }).Entries ?? [];
        events.push(...entries);
        return {
          status: 200,
          body: {
            FailedEntryCount: 0,
            Entries: entries.map((_e, i) => ({ EventId: `e-${events.length}-${i}` })),
          },
          headers: { 'content-type': 'application/x-amz-json-1.1' },
        };
      }),
      route('POST', '/2015-03-31/functions/:name/invocations', ({ raw }) => {
        invocations.push(JSON.parse(raw));
        return { status: 202 };
      }),
      route('POST', '/schedules/:name', ({ params, body }) => {
        if (schedules.has(params.name!)) {
          return {
            status: 409,
            body: { Message: 'exists' },
            headers: { 'x-amzn-errortype': 'ConflictException' },
          };
        }
        schedules.set(params.name!, body);
        return {
          status: 200,
          body: { ScheduleArn: `arn:aws:scheduler:us-east-1:000000000000:schedule/${params.name}` },
        };
      }),
      route('DELETE', '/schedules/:name', ({ params }) => {
        if (!schedules.delete(params.name!)) {
          return {
            status: 404,
            body: { Message: 'not found' },
            headers: { 'x-amzn-errortype': 'ResourceNotFoundException' },
          };
        }
        return { status: 200, body: {} };
      }),
    ],
    behaviour,
  )) as FakeAws;
  running.invocations = invocations;
  running.schedules = schedules;
  running.events = events;
  return running;
}
