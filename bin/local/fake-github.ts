/** A GitHub REST fake on loopback: issues, comments, labels, state, the bounded recent-issues read, the token check. */
import { route, serve, type FakeBehaviour, type Running } from './http.ts';

/** The account the fake's token authenticates as (GET /user): the author of everything created through the API. */
export const FAKE_GITHUB_LOGIN = 'dispatch-bot';

export interface GitHubIssue {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  html_url: string;
  comments: { id: number; body: string; at: string; author?: string }[];
  created_at: string;
  /** Who opened it; what the API creates is the token's account. Absent: a deleted account (`ghost`). */
  author?: string;
}

export interface FakeGitHub extends Running {
  issues: GitHubIssue[];
}

export async function startFakeGitHub(
  options: FakeBehaviour & { htmlBase?: string } = {},
): Promise<FakeGitHub> {
  const issues: GitHubIssue[] = [];
  let commentIds = 1000;
  const find = (p: Record<string, string>) =>
    issues.find((i) => i.owner === p.owner && i.repo === p.repo && i.number === Number(p.number));
  const user = (login = 'ghost') => ({ login, type: 'User' });
  const view = (i: GitHubIssue) => ({
    ...i,
    labels: i.labels.map((name) => ({ name })),
    comments: i.comments.length,
    user: user(i.author),
  });
  const viewComment = (c: GitHubIssue['comments'][number]) => ({ ...c, user: user(c.author) });
  const notFound = { status: 404, body: { message: 'Not Found' } };
  const running = (await serve(
    [
      route('GET', '/user', () => ({ status: 200, body: user(FAKE_GITHUB_LOGIN) })),
      route('GET', '/repos/:owner/:repo', ({ params }) => ({
        status: 200,
        body: { full_name: `${params.owner}/${params.repo}`, has_issues: true, permissions: { push: true } },
      })),
      route('POST', '/repos/:owner/:repo/issues', ({ params, body }) => {
        const number = issues.filter((i) => i.owner === params.owner && i.repo === params.repo).length + 1;
        const base = options.htmlBase ?? 'https://github.com';
        const issue: GitHubIssue = {
          owner: params.owner!,
          repo: params.repo!,
          number,
          title: String(body.title),
          body: String(body.body ?? ''),
          labels: (body.labels as string[] | undefined) ?? [],
          state: 'open',
          html_url: options.htmlBase
            ? `${base}/#issue-${params.owner}-${params.repo}-${number}`
            : `${base}/${params.owner}/${params.repo}/issues/${number}`,
          comments: [],
          created_at: new Date().toISOString(),
          author: FAKE_GITHUB_LOGIN,
        };
        issues.push(issue);
        return { status: 201, body: view(issue) };
      }),
      route('GET', '/repos/:owner/:repo/issues', ({ params, query }) => {
        const list = issues
          .filter((i) => i.owner === params.owner && i.repo === params.repo)
          .filter((i) => query.get('state') === 'all' || i.state === (query.get('state') ?? 'open'))
          .reverse()
          .slice(0, Number(query.get('per_page') ?? 30));
        return { status: 200, body: list.map(view) };
      }),
      route('GET', '/repos/:owner/:repo/issues/:number', ({ params }) => {
        const issue = find(params);
        return issue ? { status: 200, body: view(issue) } : notFound;
      }),
      route('PATCH', '/repos/:owner/:repo/issues/:number', ({ params, body }) => {
        const issue = find(params);
        if (!issue) return notFound;
        if (body.state === 'open' || body.state === 'closed') issue.state = body.state;
        return { status: 200, body: view(issue) };
      }),
      route('POST', '/repos/:owner/:repo/issues/:number/comments', ({ params, body }) => {
        const issue = find(params);
        if (!issue) return notFound;
        const comment = {
          id: ++commentIds,
          body: String(body.body),
          at: new Date().toISOString(),
          author: FAKE_GITHUB_LOGIN,
        };
        issue.comments.push(comment);
        return { status: 201, body: viewComment(comment) };
      }),
      route('GET', '/repos/:owner/:repo/issues/:number/comments', ({ params, query }) => {
        const issue = find(params);
        if (!issue) return notFound;
        const since = query.get('since') ?? '';
        return {
          status: 200,
          body: issue.comments
            .filter((c) => c.at >= since)
            .slice(0, Number(query.get('per_page') ?? 30))
            .map(viewComment),
        };
      }),
      route('PATCH', '/repos/:owner/:repo/issues/comments/:id', ({ body, params }) => {
        const comment = issues.flatMap((i) => i.comments).find((c) => c.id === Number(params.id));
        if (!comment) return notFound;
        comment.body = String(body.body);
        comment.at = new Date().toISOString();
        return { status: 200, body: viewComment(comment) };
      }),
      route('POST', '/repos/:owner/:repo/issues/:number/labels', ({ params, body }) => {
        const issue = find(params);
        if (!issue) return notFound;
        for (const label of (body.labels as string[]) ?? [])
          if (!issue.labels.includes(label)) issue.labels.push(label);
        return { status: 200, body: issue.labels.map((name) => ({ name })) };
      }),
    ],
    options,
  )) as FakeGitHub;
  running.issues = issues;
  return running;
}
