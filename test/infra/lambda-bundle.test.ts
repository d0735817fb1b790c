/**
 * The Lambda bundles (scripts/bundle-lambda.mjs) take AWS credentials from the function's environment only, as
 * Lambda provides them, and carry none of the SDK's other credential providers.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { bundleLambda } from '../../scripts/bundle-lambda.mjs';

const dir = mkdtempSync(join(tmpdir(), 'dispatch-bundle-'));
let inputs: string[];
beforeAll(async () => {
  const result = (await bundleLambda('lambdas/incoming/handler.ts', dir)) as {
    metafile: { outputs: Record<string, { inputs: Record<string, unknown> }> };
  };
  inputs = Object.keys(Object.values(result.metafile.outputs)[0]!.inputs);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the incoming bundle', () => {
  it('carries the environment credential provider and no other', () => {
    expect(inputs.some((i) => i.includes('@aws-sdk/credential-provider-env/'))).toBe(true);
    expect(
      inputs.filter((i) =>
        /@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http|login)|nested-clients|token-providers)\//.test(
          i,
        ),
      ),
    ).toEqual([]);
  });

  it('signs its AWS calls with the credentials Lambda puts in the environment', async () => {
    // Prepare: SSM on 127.0.0.1, and the environment Lambda gives a function (no ~/.aws to fall back on)
    const seen: IncomingHttpHeaders[] = [];
    const ssm = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req.headers);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ Parameters: [], InvalidParameters: [] }));
      });
    });
    await new Promise<void>((resolve) => ssm.listen(0, '127.0.0.1', resolve));
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_LAMBDA_FUNCTION_NAME: 'dispatch-incoming',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'ASIALAMBDAENVIRONMENT',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'session-token-of-the-role',
      AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DISPATCH_GITHUB_OWNER: 'acme',
      DISPATCH_GITHUB_DEFAULT_REPO: 'alarms',
      DISPATCH_GITHUB_DEFAULT_USER: 'acme/security',
      DISPATCH_SLACK_DEFAULT_CHANNEL: 'C0DEFAULT',
      DISPATCH_LEDGER_TABLE: 'ledger',
      DISPATCH_SSM_PREFIX: '/dispatch/bundle',
    };
    try {
      // Act: loading the module is Lambda's init, which starts reading the secrets
      await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', `await import(${JSON.stringify(join(dir, 'index.mjs'))})`],
        { env, timeout: 20_000 },
      );
    } finally {
      ssm.close();
    }
    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]!['x-amz-target']).toBe('AmazonSSM.GetParameters');
    expect(seen[0]!.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIALAMBDAENVIRONMENT\/\d{8}\/eu-west-1\/ssm\//,
    );
    expect(seen[0]!['x-amz-security-token']).toBe('session-token-of-the-role');
  }, 30_000);
});
