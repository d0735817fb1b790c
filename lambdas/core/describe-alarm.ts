/** One-line, human summary of a validated alarm: what Dispatch will do with it. */
import type { Alarm } from './message.ts';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function describeAlarm(alarm: Alarm): string {
  const repo = alarm.githubRepo ? `repo ${alarm.githubRepo}` : 'default repo';
  switch (alarm.type) {
    case 'self-service':
      return `self-service: issue "${alarm.body.github.title}" in ${repo}, prompt to ${plural(Math.max(alarm.users.length, 1), 'user')}`;
    case 'broadcast':
      return `broadcast: DM to ${plural(alarm.users.length, 'user')}, one issue "${alarm.body.github.title}" in ${repo}`;
    case 'nag':
      return `nag: DM to ${alarm.users?.length ? plural(alarm.users.length, 'user') : 'the default channel'}, issue "${alarm.body.github.title}" in ${repo} (reused while open)`;
    case 'low-priority':
      return `low-priority: issue "${alarm.body.github.title}" in ${repo}`;
    case 'high-priority': {
      const service = alarm.body.pagerduty.service ?? alarm.pagerDutyServiceId ?? 'the default service';
      return `high-priority: PagerDuty incident "${alarm.body.pagerduty.title}" on ${service}`;
    }
  }
}
