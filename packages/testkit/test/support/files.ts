import { execFileSync } from 'node:child_process';
import { graphql } from '@octokit/graphql';
import type { GitHubEmulator, PullRequestFile } from '../../src/github/index.js';
import { freshRepo, SHA } from './github.js';

/** A GraphQL client of the emulator, as `@octokit/graphql` talks to GitHub. */
export function graphqlClient(github: GitHubEmulator, token = 'release-bot-token') {
  return graphql.defaults({ baseUrl: github.url, headers: { authorization: `token ${token}` } });
}

/** A fresh repository with one pull request (head `SHA.a`) that changes `files`. */
export function pullRequestChanging(github: GitHubEmulator, files: readonly PullRequestFile[]) {
  const { owner, repo, full } = freshRepo(github);
  const number = github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a }, files });
  return { owner, repo, full, number };
}

/** `count` modified files, `src/file-0001.ts` onwards, the nth adding n lines and deleting one. */
export function modifiedFiles(count: number): PullRequestFile[] {
  return Array.from({ length: count }, (_, i) => ({
    filename: `src/file-${String(i + 1).padStart(4, '0')}.ts`,
    additions: i + 1,
    deletions: 1,
  }));
}

/** One page of a GraphQL connection: its nodes, how many there are in all, and where the next page starts. */
export interface Connection<T> {
  totalCount: number;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node of a connection, following `endCursor` a page at a time. */
export async function allNodes<T>(page: (after: string | null) => Promise<Connection<T>>): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const connection: Connection<T> = await page(after);
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return nodes;
    after = connection.pageInfo.endCursor;
  }
}

/** Git's own blob SHA of `content` (`git hash-object`), to hold the emulator's to. */
export function gitBlobSha(content: string | Uint8Array): string {
  return execFileSync('git', ['hash-object', '--stdin'], { input: content, encoding: 'utf8' }).trim();
}

/** The bytes of a `content-file` body, from its base64 `content`. */
export function decoded(file: unknown): string {
  const { content, encoding } = file as { content: string; encoding: string };
  if (encoding !== 'base64') throw new Error(`a file encoded ${encoding}, not base64`);
  return Buffer.from(content, 'base64').toString('utf8');
}
