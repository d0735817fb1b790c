/** What an AWS error means for an operator, and what to do next. */
export function explainAwsError(error: unknown, what: string): string {
  const e = error as { name?: string; message?: string };
  switch (e.name) {
    case 'CredentialsProviderError':
    case 'ExpiredTokenException':
    case 'UnrecognizedClientException':
      return `${what}: no valid AWS credentials (${e.name}). Set AWS_PROFILE or run "aws sso login", then retry.`;
    case 'AuthorizationErrorException':
    case 'AuthorizationError':
    case 'AccessDeniedException':
    case 'AccessDenied':
      return `${what}: not allowed (${e.message}). Use a role that may do this, or add your account to "publishers" in cdk.json.`;
    case 'NotFoundException':
    case 'NotFound':
    case 'QueueDoesNotExist':
    case 'AWS.SimpleQueueService.NonExistentQueue':
      return `${what}: not found (${e.message}). Check the ARN or URL in the stack outputs: npx cdk deploy prints them.`;
    default:
      return `${what}: ${e.name ?? 'Error'}: ${e.message ?? String(error)}`;
  }
}
