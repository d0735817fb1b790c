/** What an AWS error means for an operator, and what to do next. */

/** Where the stack outputs (AlarmTopicArn, DeadLetterQueueUrl, …) are, without deploying again. */
export const OUTPUTS_HINT =
  "aws cloudformation describe-stacks --stack-name Dispatch-<env> --query 'Stacks[0].Outputs'";

/** The SDK could not find a region: neither the client, AWS_REGION, nor the profile gave one. */
export function isRegionMissing(error: unknown): boolean {
  return /^Region is missing/.test((error as { message?: string }).message ?? '');
}

/**
 * `what` says what was being done ("reading /dispatch/prod/*"); `retry` is the command to run once the cause is fixed
 * (the same command, usually, with what it lacked).
 */
export function explainAwsError(error: unknown, what: string, retry?: string): string {
  const e = error as { name?: string; message?: string };
  const then = retry ? `, then run: ${retry}` : ', then retry';
  if (isRegionMissing(error))
    return `${what}: no AWS region is set. Give --region (e.g. --region eu-west-1) or set AWS_REGION${retry ? `; e.g. ${retry}` : ''}`;
  switch (e.name) {
    case 'CredentialsProviderError':
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
      return `${what}: no valid AWS credentials (${e.name}). Set AWS_PROFILE or run "aws sso login"${then}`;
    case 'AuthorizationErrorException':
    case 'AuthorizationError':
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `${what}: not allowed (${e.message}). Use a role that may do this, or add your account to "publishers" in cdk.json${then}`;
    case 'NotFoundException':
    case 'NotFound':
    case 'QueueDoesNotExist':
    case 'AWS.SimpleQueueService.NonExistentQueue':
    case 'ParameterNotFound':
      return `${what}: not found (${e.message}). Check the ARN or URL against the stack outputs (${OUTPUTS_HINT})${then}`;
    default:
      return `${what}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}${retry ? `. Once fixed, run: ${retry}` : ''}`;
  }
}
