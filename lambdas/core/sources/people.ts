/**
 * Who a finding's principal is, as a person Dispatch can ask: an IAM Identity Center session named by an email
 * (an assumed role `AWSReservedSSO_*` whose session name is the email: Identity Center names sessions after the
 * user name, which is usually the email), or an IAM user listed under a person in the `people` map.
 * https://docs.aws.amazon.com/singlesignon/latest/userguide/sso-info-in-cloudtrail.html
 */
/**
 * The environment's `people` map (lambdas/core/people/people-map.ts, `people` in cdk.json, `DISPATCH_PEOPLE`), as
 * far as a principal needs it: email -> GitHub login and the IAM user names that are this person.
 */
export type PeopleMap = Readonly<
  Record<string, { github?: string | undefined; iamUsers?: readonly string[] | undefined }>
>;

export interface Person {
  email: string;
  /** The person's GitHub login, from the `people` map. */
  github?: string | undefined;
  /** How the principal was recognised, for the issue: "IAM Identity Center session" or "IAM user alice". */
  via: string;
}

/** What GuardDuty says about the principal (`resource.accessKeyDetails`). */
export interface PrincipalDetails {
  userType?: string | undefined;
  userName?: string | undefined;
  principalId?: string | undefined;
}

/** A plain email address: what an Identity Center session name is when the user name is an email. */
const EMAIL = /^[^\s@:/]+@[^\s@:/]+\.[^\s@:/]+$/;

/** The `people` entry of `email`, compared case-insensitively (email addresses are, in practice). */
function entryOf(people: PeopleMap, email: string): [string, PeopleMap[string]] | undefined {
  const lower = email.toLowerCase();
  return Object.entries(people).find(([e]) => e.toLowerCase() === lower);
}

export function personOf(principal: PrincipalDetails | undefined, people: PeopleMap): Person | undefined {
  if (!principal) return undefined;
  if (principal.userType === 'AssumedRole' && principal.userName?.startsWith('AWSReservedSSO_')) {
    // principalId is "<role id>:<session name>" for an assumed role.
    const session = principal.principalId?.split(':').slice(1).join(':') ?? '';
    if (!EMAIL.test(session)) return undefined;
    const entry = entryOf(people, session);
    return { email: entry?.[0] ?? session, github: entry?.[1].github, via: 'IAM Identity Center session' };
  }
  if (principal.userType === 'IAMUser' && principal.userName) {
    // IAM user names are unique regardless of case: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
    const name = principal.userName.toLowerCase();
    const entry = Object.entries(people).find(([, p]) => p.iamUsers?.some((u) => u.toLowerCase() === name));
    if (!entry) return undefined;
    return { email: entry[0], github: entry[1].github, via: `IAM user ${principal.userName}` };
  }
  return undefined;
}
