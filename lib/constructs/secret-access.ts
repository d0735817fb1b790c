/**
 * Lets a function read exactly the SSM parameters it needs, and decrypt them with the key they use. The secrets
 * adapter reads them in one GetParameters call (lambdas/adapters/ssm-secrets.ts), so that is the one action.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export function parameterArn(stack: Stack, prefix: string, name: string): string {
  return stack.formatArn({
    service: 'ssm',
    resource: 'parameter',
    resourceName: `${prefix}/${name}`.replace(/^\//, ''),
  });
}

export function grantSecrets(role: iam.IRole, prefix: string, names: string[], kmsKeyArn?: string): void {
  const stack = Stack.of(role);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadOwnSecrets',
      actions: ['ssm:GetParameters'],
      resources: names.map((n) => parameterArn(stack, prefix, n)),
    }),
  );
  if (kmsKeyArn) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptOwnSecrets',
        actions: ['kms:Decrypt'],
        resources: [kmsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
      }),
    );
  }
}
