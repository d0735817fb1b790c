/**
 * The local runner has no dead-letter queue: a rejected alarm is thrown by the handler, and POST /alarms answers 400
 * with its problems, even when the shell it runs in names the deployed function's queue.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../bin/local/sandbox.ts';

/** An SQS stand-in that takes every SendMessage: had the runner used the queue, the alarm would have been "handled". */
const sent: string[] = [];
const sqs = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const message = (JSON.parse(body || '{}') as { MessageBody?: string }).MessageBody ?? '';
    sent.push(message);
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      JSON.stringify({
        MessageId: 'dl-1',
        MD5OfMessageBody: createHash('md5').update(message).digest('hex'),
      }),
    );
  });
});

let sandbox: Sandbox;
beforeAll(async () => {
  await new Promise<void>((resolve) => sqs.listen(0, '127.0.0.1', resolve));
  const { port } = sqs.address() as AddressInfo;
  sandbox = await startSandbox({
    port: 0,
    source: { DISPATCH_DEAD_LETTER_QUEUE_URL: `http://127.0.0.1:${port}/123456789012/dispatch-DeadLetters` },
  });
});

afterAll(async () => {
  await sandbox.close();
  await new Promise((resolve) => sqs.close(resolve));
});

describe('a rejected alarm in the local runner', () => {
  it('answers 400 with every problem and sends nothing to a dead-letter queue', async () => {
    // Act
    const res = await fetch(`${sandbox.url}/alarms`, {
      method: 'POST',
      body: '{"type":"broadcast","body":{}}',
      headers: { 'content-type': 'application/json' },
    });
    const body = (await res.json()) as { issues: { path: string }[] };
    // Assess
    expect(res.status).toBe(400);
    expect(body.issues.map((i) => i.path)).toEqual(['users', 'body.github', 'body.slack']);
    expect(sent).toEqual([]);
  });
});
