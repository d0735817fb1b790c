/**
 * The settings of a reason for "it was me" and of responders (issue 15) reach the functions, and the triage
 * function, which opens the reason modal within Slack's 3-second trigger window, may read the Slack bot token.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/build-app.ts';

const BASE = {
  github: { owner: 'acme', defaultRepo: 'alarms', defaultUser: 'acme/security' },
  slack: { defaultChannel: 'C0123456789' },
};

function synth(environments: Record<string, unknown>) {
  const app = new App({ context: { environments, 'aws:cdk:bundling-stacks': [] } });
  const [stack] = buildApp(app, Object.keys(environments));
  app.synth();
  return Template.fromStack(stack!);
}

function variables(template: Template, description: string): Record<string, unknown> {
  const found = template.findResources('AWS::Lambda::Function', { Properties: { Description: description } });
  const [resource] = Object.values(found) as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }[];
  return resource!.Properties.Environment.Variables;
}

const FUNCTIONS = {
  incoming: 'Routes alarms from SNS to Slack, GitHub and PagerDuty',
  triage: 'Verifies Slack button clicks and records the answer',
  worker: 'Closes or escalates an answered self-service prompt',
};

describe('prompts.requireReason and prompts.responders', () => {
  it('reach every function as DISPATCH_PROMPT_REQUIRE_REASON and DISPATCH_RESPONDERS', () => {
    // Act
    const template = synth({
      answers: { ...BASE, prompts: { requireReason: true, responders: ['U0SECURITY', 'W0GRIDUSER'] } },
    });
    // Assess
    for (const fn of Object.values(FUNCTIONS)) {
      expect(variables(template, fn)).toMatchObject({
        DISPATCH_PROMPT_REQUIRE_REASON: 'true',
        DISPATCH_RESPONDERS: 'U0SECURITY,W0GRIDUSER',
      });
    }
  });

  it('default to no reason and no responders (as before)', () => {
    // Act
    const template = synth({ plain: BASE });
    // Assess
    const triage = variables(template, FUNCTIONS.triage);
    expect(triage.DISPATCH_PROMPT_REQUIRE_REASON).toBe('false');
    expect(triage).not.toHaveProperty('DISPATCH_RESPONDERS');
  });

  it('refuse a responder that is not a Slack user ID, naming the setting', () => {
    expect(() => synth({ bad: { ...BASE, prompts: { responders: ['@alice'] } } })).toThrow(
      /environments\.bad\.prompts\.responders\.0: must be a Slack user ID/,
    );
  });
});
