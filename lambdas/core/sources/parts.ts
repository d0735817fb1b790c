/**
 * What every native source builds its alarms from: keys that fit, text that fits, facts written as code (AWS text
 * carries names an attacker may choose), links that pass `links[].href`, and the routing a source is configured with.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { code, fence } from '../render/github.ts';
import { isLinkHref, LIMITS, type AlarmInput } from '../message.ts';
import type { NativeType } from './config.ts';

/** A source's routing settings, as every source's config has them. */
export interface Routing {
  githubRepo?: string | undefined;
  pagerDutyServiceId?: string | undefined;
  labels?: string[] | undefined;
}

/**
 * The alarm's `dedupeKey`: `<source>:<id>`, or, past PagerDuty's 255 characters, its start and a SHA-256 of the
 * whole (stable, so a later update of the same finding gets the same key).
 */
export function sourceKey(source: string, id: string): string {
  const key = `${source}:${id}`;
  if (key.length <= LIMITS.dedupeKey) return key;
  const hash = createHash('sha256').update(key).digest('hex');
  return `${key.slice(0, LIMITS.dedupeKey - hash.length - 1)}#${hash}`;
}

/** `text` cut to `max` characters with an ellipsis, never inside a surrogate pair. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** One line of text: line breaks and runs of whitespace become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export type Fact = readonly [label: string, value: string | number | undefined | null];

/** Facts as a Markdown list, each value a code span (no mention, link or markup can come from AWS text). */
export function factList(facts: readonly Fact[]): string {
  return facts
    .filter(
      (f): f is readonly [string, string | number] => f[1] !== undefined && f[1] !== null && f[1] !== '',
    )
    .map(([label, value]) => `- **${label}**: ${code(cut(String(value), 1_000))}`)
    .join('\n');
}

/** Free text from AWS (a finding's description, an alarm's reason) as a code block: shown, never rendered. */
export function quoted(text: string | undefined, max = 20_000): string {
  return text ? fence(cut(text, max)) : '';
}

/** Facts as PagerDuty custom details: only the ones that are set. */
export function details(facts: readonly Fact[]): Record<string, string | number> {
  return Object.fromEntries(
    facts.filter((f) => f[1] !== undefined && f[1] !== null && f[1] !== '') as [string, string | number][],
  );
}

/** A link for `links[]`, or nothing when AWS gave a URL that `links[].href` would refuse. */
export function link(href: string | undefined, text: string): { href: string; text: string } | undefined {
  return href !== undefined && isLinkHref(href) ? { href, text } : undefined;
}

/** The links that passed, at most the 10 an alarm may carry. */
export function links(...candidates: ({ href: string; text: string } | undefined)[]) {
  const ok = candidates.filter((l): l is { href: string; text: string } => l !== undefined).slice(0, 10);
  return ok.length ? ok : undefined;
}

/** A region code as AWS writes it in ARNs and events (`us-east-1`), else undefined. */
export function regionCode(region: string | undefined): string | undefined {
  return region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}

/** PagerDuty severity of a band: what the responder sees on the incident. */
export function pagerSeverity(band: string): 'critical' | 'error' | 'warning' | 'info' {
  if (band === 'critical') return 'critical';
  if (band === 'high') return 'error';
  if (band === 'medium') return 'warning';
  return 'info';
}

export interface AlarmText {
  /** The issue title and the incident summary (cut to GitHub's 256 and PagerDuty's 1,024 characters). */
  title: string;
  /** The issue body (Markdown written by Dispatch). */
  markdown: string;
  /** The incident's custom details. */
  pagerDetails: Record<string, string | number>;
}

/**
 * An alarm of `type` (high-priority or low-priority) with the source's routing, as a producer would send it; the
 * caller validates it with parseAlarm.
 */
export function alarmOfType(
  type: Exclude<NativeType, 'drop'>,
  common: {
    dedupeKey: string;
    requestId?: string | undefined;
    status?: 'firing' | 'resolved';
    severity?: 'critical' | 'error' | 'warning' | 'info';
    retrigger?: boolean;
    links?: { href: string; text: string }[] | undefined;
  },
  text: AlarmText,
  routing: Routing,
  defaultLabels: string[],
): AlarmInput {
  const base = {
    dedupeKey: common.dedupeKey,
    ...(common.requestId ? { requestId: cut(common.requestId, 255) } : {}),
    ...(common.status === 'resolved' ? { status: 'resolved' as const } : {}),
    ...(common.severity ? { severity: common.severity } : {}),
    ...(common.retrigger === false ? { retrigger: false } : {}),
    ...(common.links ? { links: common.links } : {}),
    ...(routing.githubRepo ? { githubRepo: routing.githubRepo } : {}),
    ...(routing.pagerDutyServiceId ? { pagerDutyServiceId: routing.pagerDutyServiceId } : {}),
  };
  if (type === 'high-priority') {
    return {
      ...base,
      type,
      body: { pagerduty: { title: cut(text.title, LIMITS.pagerdutySummary), body: text.pagerDetails } },
    };
  }
  return {
    ...base,
    type,
    body: {
      github: {
        title: cut(text.title, LIMITS.githubTitle),
        body: cut(text.markdown, LIMITS.githubBody),
        labels: routing.labels ?? defaultLabels,
      },
    },
  };
}

/** A finding or state change that became no alarm, and why: `dropped` by configuration, or `ignored` by rule. */
export interface Skipped {
  outcome: 'dropped' | 'ignored';
  reason: string;
  /** The alarm key it would have had. */
  key?: string | undefined;
}

/** What one source made of one event: alarms to validate and route, and what it skipped. */
export interface SourceResult {
  /** What arrived, in words: `GuardDuty finding 1ab… (Recon:EC2/PortProbeUnprotectedPort, severity 5.0, medium)`. */
  what: string;
  alarms: AlarmInput[];
  skipped: Skipped[];
}

/** A string field the event must have, with an error naming what the field is for. */
export function requiredText(what: string) {
  return z.string({ error: `required: ${what}` }).min(1, { error: `must not be empty: ${what}` });
}
