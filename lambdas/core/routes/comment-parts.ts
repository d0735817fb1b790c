/**
 * A long list on an issue, split into comments that each fit GitHub's 65,536-character limit. Each part is a
 * marked comment made once (`commentOnce`), so a retry finishes the parts that are missing and repeats none.
 */
import { LIMITS } from '../message.ts';
import type { IssueRef } from '../ports.ts';
import { partsToFit } from '../render/github.ts';
import type { RouteDeps } from '../route-types.ts';
import { commentOnce } from '../steps.ts';

/** Room for the heading, the fence and the hidden marker around a part's list. */
const COMMENT_OVERHEAD = 4_000;
export const COMMENT_BUDGET = LIMITS.githubIssueBody - COMMENT_OVERHEAD;

/**
 * Comments `items` (joined with `separator`) in as many parts as needed; `render` writes one part's comment from
 * its items and where they are in the list. The first part's step is `step`, the others `step:2`, `step:3`…
 */
export async function commentInParts(
  deps: RouteDeps,
  key: string,
  step: string,
  issue: IssueRef,
  items: string[],
  separator: string,
  render: (part: string[], at: { from: number; to: number; part: number; parts: number }) => string,
): Promise<void> {
  if (items.length === 0) return;
  const parts = partsToFit(items, separator, COMMENT_BUDGET);
  let from = 1;
  for (const [i, part] of parts.entries()) {
    const at = { from, to: from + part.length - 1, part: i + 1, parts: parts.length };
    await commentOnce(deps, key, i === 0 ? step : `${step}:${i + 1}`, issue, render(part, at));
    from += part.length;
  }
}
