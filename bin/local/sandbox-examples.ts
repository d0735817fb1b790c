/**
 * What each example in examples/ is, for the sandbox page's buttons: a Dispatch alarm by its `type` and title; a
 * native AWS event (GuardDuty, Security Hub, CloudWatch, root sign-in) by its source, as the incoming function's own
 * translation reads it (lambdas/core/sources/translate.ts), with the type and title of the alarm it becomes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceName } from '../../lambdas/core/sources/config.ts';
import { detectShape } from '../../lambdas/core/sources/detect.ts';
import { translateNative, type NativeSettings } from '../../lambdas/core/sources/translate.ts';

export interface ExampleLabel {
  /** The file's name without .json: GET|POST /sandbox/examples/<name>. */
  name: string;
  /** What it is: the alarm type, or the AWS service that sends it ("GuardDuty"). */
  kind: string;
  /** For an AWS event: the alarm type it becomes ("dropped" when it becomes none). */
  becomes?: string | undefined;
  title: string;
  /** A sentence on it, for the button's tooltip. */
  about: string;
}

const SOURCE_KIND: Record<SourceName, string> = {
  guardduty: 'GuardDuty',
  securityHub: 'Security Hub',
  cloudwatch: 'CloudWatch',
  rootSignIn: 'root sign-in',
};

/** The example names, sorted as the directory lists them. */
export async function exampleNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
}

/** The label of one example file's JSON. */
export function exampleLabel(name: string, raw: string, settings: NativeSettings = {}): ExampleLabel {
  const file = `examples/${name}.json`;
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return { name, kind: 'not JSON', title: name, about: `${file} is not JSON` };
  }
  const shape = detectShape(input);
  if (shape.kind === 'native') {
    const kind = SOURCE_KIND[shape.source];
    try {
      const native = translateNative(input, settings)!;
      const first = native.alarms[0];
      if (!first)
        return { name, kind, becomes: 'dropped', title: native.what, about: `${file}: ${native.what}` };
      const title = first.type === 'high-priority' ? first.body.pagerduty.title : first.body.github.title;
      return {
        name,
        kind,
        becomes: first.type,
        title,
        about: `${file}: ${native.what}, as AWS sends it; Dispatch translates it into a ${first.type} alarm`,
      };
    } catch (error) {
      return { name, kind, title: name, about: `${file}: ${(error as Error).message}` };
    }
  }
  if (shape.kind === 'unknown-event')
    return {
      name,
      kind: shape.source,
      title: shape.detailType,
      about: `${file}: not an event Dispatch translates`,
    };
  const alarm = input as {
    type?: unknown;
    body?: { github?: { title?: unknown }; pagerduty?: { title?: unknown } };
  };
  const title = [alarm.body?.github?.title, alarm.body?.pagerduty?.title].find(
    (t): t is string => typeof t === 'string' && t !== '',
  );
  return {
    name,
    kind: typeof alarm.type === 'string' ? alarm.type : 'alarm',
    title: title ?? name,
    about: file,
  };
}

/** Every example's label. */
export async function exampleLabels(dir: string, settings: NativeSettings = {}): Promise<ExampleLabel[]> {
  const names = await exampleNames(dir);
  return Promise.all(
    names.map(async (name) =>
      exampleLabel(name, await readFile(join(dir, `${name}.json`), 'utf8'), settings),
    ),
  );
}
