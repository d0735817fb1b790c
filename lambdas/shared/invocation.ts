/** What the handlers use of Lambda's context: how much time is left, and who and which invocation this is. */
export interface InvocationContext {
  getRemainingTimeInMillis(): number;
  /** This function's ARN (with a qualifier when invoked through one). */
  invokedFunctionArn?: string;
  /** This invocation's ID (in a dead-letter record's `requestContext.requestId`). */
  awsRequestId?: string;
}

/** Stop retrying this long before Lambda would cut the invocation off. */
const MARGIN_MS = 5_000;

/** The moment steps must stop waiting and retrying (epoch ms), or undefined outside Lambda. */
export function stopBy(context: InvocationContext | undefined, now: number): number | undefined {
  return context?.getRemainingTimeInMillis ? now + context.getRemainingTimeInMillis() - MARGIN_MS : undefined;
}
