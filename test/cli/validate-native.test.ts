/** `dispatch validate` with AWS events as AWS sends them (issue 16): accepted, and named with what they become. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../bin/dispatch.ts';
import { fakeIo } from '../helpers/cli-io.ts';

const example = (name: string) => readFileSync(`examples/${name}.json`, 'utf8');

describe('dispatch validate, native events', () => {
  it('accepts each native example and names what it is translated into', async () => {
    // Prepare
    const names = [
      'guardduty-finding',
      'security-hub-finding',
      'cloudwatch-alarm-event',
      'cloudwatch-alarm-notification',
      'root-sign-in',
    ];
    const { io, stdout, stderr } = fakeIo(Object.fromEntries(names.map((n) => [`${n}.json`, example(n)])));
    // Act
    const code = await main(['validate', ...names.map((n) => `${n}.json`)], io);
    // Assess
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toEqual([
      'guardduty-finding.json: ok, GuardDuty finding a6c8e2d94b7f4e0c9a1d3b5f7e9c2a41 (UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS, severity 8.0, high), translated into high-priority: PagerDuty incident "GuardDuty: Credentials for the EC2 instance role billing-web-instance-role were used from a remote IP address." on the default service',
      expect.stringMatching(
        /^security-hub-finding\.json: ok, Security Hub finding arn:aws:securityhub:.*S3\.5.*, translated into low-priority: issue "Security Hub: S3\.5 S3 general purpose buckets should require requests to use SSL" in default repo$/,
      ),
      'cloudwatch-alarm-event.json: ok, CloudWatch alarm state change (EventBridge) of checkout-api-5xx-rate to ALARM, translated into high-priority: PagerDuty incident "CloudWatch alarm checkout-api-5xx-rate is in ALARM" on the default service',
      'cloudwatch-alarm-notification.json: ok, CloudWatch alarm notification (SNS) of billing-db-free-storage-low to ALARM, translated into high-priority: PagerDuty incident "CloudWatch alarm billing-db-free-storage-low is in ALARM" on the default service',
      'root-sign-in.json: ok, console sign-in by Root to account 123456789012, translated into high-priority: PagerDuty incident "Root user signed in to AWS account 123456789012" on the default service',
    ]);
  });

  it('translates with DISPATCH_SOURCES when it is set, and names a drop', async () => {
    // Prepare
    const low = JSON.parse(example('guardduty-finding')) as { detail: { severity: number } };
    low.detail.severity = 2;
    const { io, stdout } = fakeIo({
      'gd.json': example('guardduty-finding'),
      'low.json': JSON.stringify(low),
    });
    io.env.DISPATCH_SOURCES = JSON.stringify({
      guardduty: { severity: { high: 'low-priority' }, githubRepo: 'acme/guardduty' },
    });
    // Act
    const code = await main(['validate', 'gd.json', 'low.json'], io);
    // Assess
    expect(code).toBe(0);
    expect(stdout[0]).toMatch(/translated into low-priority: issue "GuardDuty: .*" in repo acme\/guardduty$/);
    expect(stdout[1]).toMatch(
      /severity 2\.0, low\), translated into dropped \(severity 2\.0 is low, and sources\.guardduty\.severity\.low is "drop"\)$/,
    );
  });

  it('refuses an event Dispatch does not translate, naming the shapes it understands', async () => {
    // Prepare
    const ec2 = { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} };
    const { io, stderr } = fakeIo({ 'ec2.json': JSON.stringify(ec2), 'other.json': '{"hello":"world"}' });
    // Act
    const code = await main(['validate', 'ec2.json', 'other.json'], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr[0]).toBe('ec2.json: invalid');
    expect(stderr[1]).toMatch(
      /^ {2}detail-type: an EventBridge event "EC2 Instance State-change Notification" from aws\.ec2 is not one Dispatch translates; Dispatch understands its own alarms .*"GuardDuty Finding", "Security Hub Findings - Imported", "CloudWatch Alarm State Change" and "AWS Console Sign In via CloudTrail" \(root\), and a CloudWatch alarm's SNS notification/,
    );
    expect(stderr.slice(2)).toEqual([
      'other.json: invalid',
      '  type: required: one of self-service, broadcast, nag, low-priority, high-priority',
      expect.stringMatching(/^ {2}\(alarm\): Dispatch understands its own alarms/),
    ]);
  });

  it('names what a native event lacks, with its path', async () => {
    // Prepare
    const broken = {
      source: 'aws.guardduty',
      'detail-type': 'GuardDuty Finding',
      detail: { id: 'f1', severity: 8 },
    };
    const { io, stderr } = fakeIo({ 'gd.json': JSON.stringify(broken) });
    // Act
    const code = await main(['validate', 'gd.json'], io);
    // Assess
    expect(code).toBe(1);
    expect(stderr).toEqual([
      'gd.json: invalid',
      '  detail.type: required: the finding type, e.g. "Recon:EC2/PortProbeUnprotectedPort" (in a GuardDuty finding event, as AWS sends it)',
    ]);
  });

  it('refuses a malformed DISPATCH_SOURCES with its path', async () => {
    // Prepare
    const { io, stderr } = fakeIo({ 'gd.json': example('guardduty-finding') });
    io.env.DISPATCH_SOURCES = '{"guardduty":{"severity":{"medium":"page"}}}';
    // Act
    const code = await main(['validate', 'gd.json'], io);
    // Assess
    expect(code).toBe(2);
    expect(stderr).toEqual([
      'dispatch validate: DISPATCH_SOURCES guardduty.severity.medium: expected one of: high-priority, low-priority, drop',
    ]);
  });
});
