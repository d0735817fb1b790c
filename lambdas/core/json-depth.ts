/**
 * Depth of free-form JSON a producer sends (PagerDuty custom details). JSON.parse and zod handle any depth, but
 * JSON.stringify and everything else recursive overflow the stack somewhere past a few thousand levels, and a
 * 40,000-level object fits in one SNS message. Checked without recursion, before anything recursive touches it.
 */

/** How deep a free-form field may nest: far more than any set of details needs, far less than the stack allows. */
export const MAX_JSON_DEPTH = 32;

/**
 * Whether `value` nests objects or arrays more than `limit` levels deep (`{}` and `[]` are one level, a scalar
 * none). Iterative; stops at the first node past the limit, so it never walks further down than `limit + 1`.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(node)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}
