import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContractViolation, loadContract } from './contract.js';
import { GitHubControl } from './control.js';
import { type FaultRule, Faults } from './faults.js';
import { createGraphQL, type GraphQLEndpoint } from './graphql/endpoint.js';
import { settle } from './queue.js';
import { Representations } from './representations.js';
import {
  cancelWorkflowRun,
  createWorkflowDispatch,
  getWorkflow,
  getWorkflowRun,
  listWorkflowRuns,
  listWorkflowRunsForRepo,
} from './rest/actions.js';
import { getAdminBranchProtection, getStatusChecksProtection, listBranchesForHeadCommit } from './rest/branches.js';
import { createCheckRun, listCheckRunsForRef, updateCheckRun } from './rest/checks.js';
import { getCollaboratorPermissionLevel } from './rest/collaborators.js';
import { addLabels, createComment, listComments, removeLabel, updateComment } from './rest/comments.js';
import { getContent } from './rest/contents.js';
import { error, type Handler, type Reply } from './rest/context.js';
import { getPull, listPullFiles, listPulls, mergePull } from './rest/pulls.js';
import { getReleaseByTag } from './rest/releases.js';
import { createReview, dismissReview, listReviews } from './rest/reviews.js';
import { getBranchRules, getRepoRuleSuites, getRepoRuleset, getRepoRulesets } from './rest/rules.js';
import { createCommitStatus, getCombinedStatusForRef, listCommitStatusesForRef } from './rest/statuses.js';
import { getTeamMembership } from './rest/teams.js';
import { type Account, GitHubState } from './state.js';

const HANDLERS: Record<string, Handler> = {
  'actions/cancel-workflow-run': cancelWorkflowRun,
  'actions/create-workflow-dispatch': createWorkflowDispatch,
  'actions/get-workflow': getWorkflow,
  'actions/get-workflow-run': getWorkflowRun,
  'actions/list-workflow-runs': listWorkflowRuns,
  'actions/list-workflow-runs-for-repo': listWorkflowRunsForRepo,
  'checks/create': createCheckRun,
  'checks/list-for-ref': listCheckRunsForRef,
  'checks/update': updateCheckRun,
  'issues/add-labels': addLabels,
  'issues/create-comment': createComment,
  'issues/list-comments': listComments,
  'issues/remove-label': removeLabel,
  'issues/update-comment': updateComment,
  'pulls/create-review': createReview,
  'pulls/dismiss-review': dismissReview,
  'pulls/get': getPull,
  'pulls/list': listPulls,
  'pulls/list-files': listPullFiles,
  'pulls/list-reviews': listReviews,
  'pulls/merge': mergePull,
  'repos/create-commit-status': createCommitStatus,
  'repos/get-admin-branch-protection': getAdminBranchProtection,
  'repos/get-branch-rules': getBranchRules,
  'repos/get-collaborator-permission-level': getCollaboratorPermissionLevel,
  'repos/get-combined-status-for-ref': getCombinedStatusForRef,
  'repos/get-content': getContent,
  'repos/get-release-by-tag': getReleaseByTag,
  'repos/get-repo-rule-suites': getRepoRuleSuites,
  'repos/get-repo-ruleset': getRepoRuleset,
  'repos/get-repo-rulesets': getRepoRulesets,
  'repos/get-status-checks-protection': getStatusChecksProtection,
  'repos/list-branches-for-head-commit': listBranchesForHeadCommit,
  'repos/list-commit-statuses-for-ref': listCommitStatusesForRef,
};

export interface GitHubOptions {
  /** Default 0: a free port. The emulator always listens on 127.0.0.1. */
  port?: number;
  /** The clock for timestamps (a demo can pass a virtual one). */
  now?: () => Date;
  /** Who an unregistered token authenticates as (default `github-actions[bot]`, with write access everywhere, like GITHUB_TOKEN). */
  defaultLogin?: string;
  /** The primary rate limit reported in `x-ratelimit-*` headers. Default 5000. */
  rateLimit?: number;
  /** Check every request and response against GitHub's contract. Default true; off only to measure its cost. */
  validate?: boolean;
}

export interface GitHubEmulator {
  /** REST base URL, e.g. `http://127.0.0.1:PORT` (Octokit's `baseUrl`). */
  url: string;
  /** GraphQL endpoint, `${url}/graphql`. */
  graphqlUrl: string;
  control: GitHubControl;
  close(): Promise<void>;
}

/**
 * Starts a local GitHub on 127.0.0.1 that serves the REST operations and GraphQL fields release
 * automation needs, with GitHub's documented semantics, and checks every request and response against
 * GitHub's published OpenAPI description and GraphQL schema. A request that breaks the contract is
 * answered 422 (GitHub's answer to an invalid request) and recorded; a response that would break it is
 * answered 500 and recorded: either way the test that caused it fails.
 *
 * @example
 * ```ts
 * const github = await startGitHub();
 * github.control.createRepository({ owner: 'weaveworks', name: 'weave-gitops' });
 * const octokit = new Octokit({ baseUrl: github.url, auth: 'any-token' });
 * await octokit.rest.repos.createCommitStatus({ owner: 'weaveworks', repo: 'weave-gitops', sha, state: 'pending', context: 'release' });
 * await github.close();
 * ```
 */
export async function startGitHub(options: GitHubOptions = {}): Promise<GitHubEmulator> {
  const contract = await loadContract();
  const state = new GitHubState(options.now ?? (() => new Date()), options.defaultLogin);
  const faults = new Faults();
  const control = new GitHubControl(state, faults);
  const limit = options.rateLimit ?? 5000;
  const validate = options.validate ?? true;
  let used = 0;
  let url = '';
  let repr = new Representations(url);
  let graphql: GraphQLEndpoint | undefined;

  const server = createServer((req, res) => {
    void handle(req, res).catch((cause: unknown) => {
      if (!res.headersSent) send(res, 500, { message: `emulator error: ${(cause as Error).message}` });
    });
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    used++;
    const reset = Math.floor(state.now().getTime() / 1000) + 3600;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': `RG-${used}`,
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(limit - used, 0)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-resource': 'core',
      ...headers,
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const target = new URL(req.url ?? '/', url);
    const method = (req.method ?? 'GET').toLowerCase();
    const entry = {
      method: method.toUpperCase(),
      path: target.pathname,
      operation: 'unknown',
      repo: undefined as string | undefined,
      status: 0,
      caller: undefined as string | undefined,
      body: raw,
      at: state.timestamp(),
    };
    control.log.push(entry);
    control.counters.requests++;
    const reply = (status: number, body: unknown, headers?: Record<string, string>) => {
      entry.status = status;
      send(res, status, body, headers);
    };

    const caller = authenticate(req.headers.authorization);
    entry.caller = caller?.login;
    if (!caller)
      return reply(401, { message: 'Requires authentication', documentation_url: 'https://docs.github.com/rest' });

    if (target.pathname === '/graphql' && method === 'post') {
      graphql ??= createGraphQL(state, control);
      const request = graphql.parse(raw);
      entry.operation = request.operation;
      entry.repo = request.repo;
      const fault = faults.match('graphql', request.repo, request.field);
      if (fault && (await applyFault(fault, reply, res))) return;
      const result = await graphql.execute(request, caller);
      if (fault?.kind === 'lose-response') return lose(res, entry);
      return reply(200, fault?.kind === 'corrupt-response' ? fault.corrupt(result) : result);
    }

    const operation = contract.match(method, target.pathname);
    if (!operation?.operationId) {
      const violation = new ContractViolation('request', `${method.toUpperCase()} ${target.pathname}`, [
        'no operation of the contract extract matches this path (the emulator does not serve it)',
      ]);
      control.violations.push(violation);
      return reply(404, { message: violation.message, documentation_url: 'https://docs.github.com/rest' });
    }
    const operationId = operation.operationId;
    entry.operation = operationId;
    const params = contract.params(operation, target.pathname);
    const query = Object.fromEntries(target.searchParams.entries());
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return reply(400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/rest' });
    }
    const headers = { 'content-type': 'application/json', ...(req.headers as Record<string, string>) };
    if (validate) control.counters.requestValidations++;
    const requestProblems = validate
      ? contract.checkRequest(operation, { method, path: target.pathname, query, headers, body })
      : [];
    if (requestProblems.length > 0) {
      const violation = new ContractViolation('request', operationId, requestProblems);
      control.violations.push(violation);
      return reply(422, {
        message: `Invalid request.\n\n${requestProblems.join('\n')}`,
        documentation_url: 'https://docs.github.com/rest',
      });
    }
    const repo = params.owner && params.repo ? state.repository(`${params.owner}/${params.repo}`) : undefined;
    entry.repo = repo?.fullName ?? (params.owner && params.repo ? `${params.owner}/${params.repo}` : undefined);
    const fault = faults.match(operationId, entry.repo);
    if (fault && (await applyFault(fault, reply, res))) return;

    const handler = HANDLERS[operationId];
    let result: Reply;
    if (operationId === 'rate-limit/get') result = rateLimit();
    else if (operationId === 'teams/get-membership-for-user-in-org') result = getTeamMembership(state, params, url);
    else if (!repo || !handler) result = error(404, 'Not Found');
    else {
      result = handler({
        state,
        repr,
        repo,
        params,
        query,
        body: (body ?? {}) as Record<string, unknown>,
        accept: req.headers.accept ?? '',
        caller,
        url,
      });
    }
    if (method !== 'get') settle(state);
    if (result.unserved) {
      const violation = new ContractViolation('request', operationId, [result.unserved]);
      control.violations.push(violation);
      return reply(404, { message: violation.message, documentation_url: 'https://docs.github.com/rest' });
    }
    if (fault?.kind === 'lose-response') return lose(res, entry);
    if (fault?.kind === 'corrupt-response') result = { ...result, body: fault.corrupt(structuredClone(result.body)) };
    if (validate) control.counters.responseValidations++;
    const responseProblems =
      !validate || result.status === 204 ? [] : contract.checkResponse(operation, result.status, result.body);
    if (responseProblems.length > 0) {
      const violation = new ContractViolation('response', `${operationId} (${result.status})`, responseProblems);
      control.violations.push(violation);
      return reply(500, { message: violation.message });
    }
    return reply(result.status, result.body, result.headers);
  }

  function rateLimit(): Reply {
    const reset = Math.floor(state.now().getTime() / 1000) + 3600;
    const core = { limit, used, remaining: Math.max(limit - used, 0), reset };
    return { status: 200, body: { resources: { core, graphql: core, search: core }, rate: core } };
  }

  function authenticate(header: string | undefined): Account | undefined {
    const token = header?.match(/^(?:token|bearer)\s+(.+)$/i)?.[1];
    if (!token) return undefined;
    return state.account(state.tokens.get(token) ?? state.defaultLogin);
  }

  /** Answers for the fault (returns true), or delays and lets the request go on (returns false). */
  async function applyFault(
    fault: FaultRule,
    reply: (status: number, body: unknown, headers?: Record<string, string>) => void,
    _res: ServerResponse,
  ): Promise<boolean> {
    switch (fault.kind) {
      case 'server-error':
        reply(fault.status ?? 502, { message: 'Server Error' });
        return true;
      case 'secondary-rate-limit':
        reply(
          403,
          {
            message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          },
          { 'retry-after': String(fault.retryAfter ?? 1) },
        );
        return true;
      case 'rate-limit': {
        const reset = Math.floor(state.now().getTime() / 1000) + (fault.resetInSeconds ?? 1);
        reply(
          429,
          { message: 'API rate limit exceeded' },
          { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
        );
        return true;
      }
      case 'latency':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return false;
      case 'lose-response':
      case 'corrupt-response':
        return false;
    }
  }

  function lose(res: ServerResponse, entry: { status: number }): void {
    entry.status = 0;
    res.socket?.destroy();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  repr = new Representations(url);
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    control,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((cause) => (cause ? reject(cause) : resolve()));
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
