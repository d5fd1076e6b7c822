// What the fake GitHub answers with, shared by its parts: GitHub's error bodies (404, the 403 of a
// token without a permission, the 422 of a validation), its pagination (`per_page`, `page` and
// RFC 5988 `Link` headers), and the users, apps and repositories its objects embed, shaped as the
// REST API sends them (the contract test checks them against GitHub's OpenAPI description).
import type { GitHubUser } from './fake-github.js'

export interface Answer {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export const API_PREFIX = '/api/v3'
export const DOCS = 'https://docs.github.com/enterprise-server@3.14/rest'

export function notFound(doc = ''): Answer {
  return {
    status: 404,
    body: { message: 'Not Found', documentation_url: doc ? `${DOCS}/${doc}` : DOCS, status: '404' }
  }
}

/** A token without the permission: GitHub's 403, and the header naming what the call needs. */
export function notAccessible(doc: string, accepted = 'issues=write; pull_requests=write'): Answer {
  return {
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: `${DOCS}/${doc}`,
      status: '403'
    },
    headers: { 'X-Accepted-GitHub-Permissions': accepted }
  }
}

/** GitHub's 422 for a field it refuses. */
export function validationFailed(
  resource: string,
  field: string,
  message: string,
  doc: string
): Answer {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code: 'custom', field, message }],
      documentation_url: `${DOCS}/${doc}`,
      status: '422'
    }
  }
}

/** One page of `all` (`per_page` 30 by default, at most 100), with GitHub's `Link` header. */
export function pageOf(all: readonly unknown[], query: URLSearchParams, linkTo: string): Answer {
  const perPage = clamp(Number(query.get('per_page') ?? 30), 1, 100, 30)
  const page = clamp(Number(query.get('page') ?? 1), 1, Number.MAX_SAFE_INTEGER, 1)
  const last = Math.max(1, Math.ceil(all.length / perPage))
  const items = all.slice((page - 1) * perPage, page * perPage)
  const link = (p: number, rel: string): string => {
    const params = new URLSearchParams(query)
    params.set('per_page', String(perPage))
    params.set('page', String(p))
    return `<${linkTo}?${params.toString()}>; rel="${rel}"`
  }
  const links: string[] = []
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev'))
  if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'))
  if (page > 1) links.push(link(1, 'first'))
  return { status: 200, body: items, headers: links.length ? { Link: links.join(', ') } : {} }
}

function clamp(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback
  return Math.min(max, Math.max(min, Math.trunc(value)))
}

/** Now, as GitHub writes times: to the second. */
export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** A user as GitHub embeds one (`simple-user`): the fake's user and its API links. */
export function simpleUser(user: GitHubUser, api: string): Record<string, unknown> {
  const self = `${api}/users/${encodeURIComponent(user.login)}`
  return {
    login: user.login,
    id: user.id,
    node_id: user.node_id,
    avatar_url: user.avatar_url,
    gravatar_id: '',
    url: self,
    html_url: user.html_url,
    followers_url: `${self}/followers`,
    following_url: `${self}/following{/other_user}`,
    gists_url: `${self}/gists{/gist_id}`,
    starred_url: `${self}/starred{/owner}{/repo}`,
    subscriptions_url: `${self}/subscriptions`,
    organizations_url: `${self}/orgs`,
    repos_url: `${self}/repos`,
    events_url: `${self}/events{/privacy}`,
    received_events_url: `${self}/received_events`,
    type: user.type,
    user_view_type: 'public',
    site_admin: user.site_admin
  }
}

/** The GitHub Actions app, which a GITHUB_TOKEN's check runs and statuses are made by. */
export function actionsApp(web: string, api: string): Record<string, unknown> {
  const github: GitHubUser = {
    login: 'github',
    id: 9919,
    node_id: 'MDEyOk9yZ2FuaXphdGlvbjk5MTk=',
    avatar_url: 'https://avatars.githubusercontent.com/u/9919?v=4',
    html_url: `${web}/github`,
    type: 'User',
    site_admin: false
  }
  return {
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    owner: { ...simpleUser(github, api), type: 'Organization' },
    name: 'GitHub Actions',
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${web}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { checks: 'write', contents: 'write', metadata: 'read', statuses: 'write' },
    events: ['check_run', 'check_suite', 'pull_request', 'push', 'status']
  }
}

/** The `*_url` templates every repository object carries, by field. */
const REPOSITORY_LINKS: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}'
}

/** `owner/repo` as GitHub sends a repository (`repository`, which `minimal-repository` takes too). */
export function repositoryJson(
  fullName: string,
  owner: GitHubUser,
  web: string,
  api: string
): Record<string, unknown> {
  const self = `${api}/repos/${fullName}`
  const name = fullName.split('/')[1] ?? fullName
  const id = 700_000_000 + (hash(fullName) % 1_000_000)
  const host = new URL(web).host
  return {
    id,
    node_id: Buffer.from(`010:Repository${id}`).toString('base64'),
    name,
    full_name: fullName,
    owner: simpleUser(owner, api),
    private: true,
    html_url: `${web}/${fullName}`,
    description: 'dbt project and warehouse models',
    fork: false,
    url: self,
    ...Object.fromEntries(Object.entries(REPOSITORY_LINKS).map(([k, v]) => [k, `${self}${v}`])),
    git_url: `git://${host}/${fullName}.git`,
    ssh_url: `git@${host}:${fullName}.git`,
    clone_url: `${web}/${fullName}.git`,
    svn_url: `${web}/${fullName}`,
    mirror_url: null,
    homepage: null,
    language: 'SQL',
    forks_count: 0,
    forks: 0,
    stargazers_count: 3,
    watchers_count: 3,
    watchers: 3,
    size: 2048,
    default_branch: 'main',
    open_issues_count: 4,
    open_issues: 4,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: 'private',
    license: null,
    pushed_at: '2026-11-20T08:55:00Z',
    created_at: '2024-02-01T10:00:00Z',
    updated_at: '2026-11-20T08:55:00Z'
  }
}

function hash(text: string): number {
  let h = 0
  for (const char of text) h = (h * 31 + (char.codePointAt(0) ?? 0)) >>> 0
  return h
}
