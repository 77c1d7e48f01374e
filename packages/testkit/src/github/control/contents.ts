/**
 * The content part of `GitHubControl`: the files of commits, which REST `repos/get-content` and GraphQL
 * `Repository.object` read.
 */

import { blobSha, isDirectory, normalisePath, resolveCommit, writableTree } from '../contents.js';
import { WorkflowControl } from './workflows.js';

/** Where a file is: the commit (a SHA, or a branch or `pull/N/head` naming one) and its path there. */
export interface FileLocation {
  ref: string;
  path: string;
}

export class ContentControl extends WorkflowControl {
  /**
   * Puts a file in a commit (replacing what that path held) and returns its blob SHA. `ref` is a commit
   * SHA, or a branch or `pull/N/head`: the commit it names now. A push's new commit starts with the files
   * of the commit it follows, so only what changes needs setting again.
   */
  setFile(repo: string, file: FileLocation & { content: string | Uint8Array }): string {
    const { record, sha, path } = this.locate(repo, file);
    const tree = record.trees.get(sha);
    if (tree && isDirectory(tree, path)) throw new Error(`${path} is a directory at ${file.ref}`);
    const segments = path.split('/');
    const parent = segments.map((_, i) => segments.slice(0, i).join('/')).find((above) => tree?.has(above));
    if (parent) throw new Error(`${parent} is a file at ${file.ref}: nothing can be below it`);
    const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content);
    writableTree(record, sha).set(path, content);
    return blobSha(content);
  }

  /** Takes a file out of a commit, as a commit that deletes it. */
  removeFile(repo: string, file: FileLocation): void {
    const { record, sha, path } = this.locate(repo, file);
    if (!record.trees.get(sha)?.delete(path)) throw new Error(`no file ${path} at ${file.ref} in ${repo}`);
  }

  private locate(repo: string, file: FileLocation) {
    const record = this.repo(repo);
    const sha = /^[0-9a-f]{40}$/.test(file.ref) ? file.ref : resolveCommit(this.state, record, file.ref);
    if (!sha) {
      throw new Error(
        `no branch ${file.ref} in ${repo}: give a commit SHA, or point the branch at a commit first (control.pushBranch, openPullRequest)`,
      );
    }
    return { record, sha, path: normalisePath(file.path) };
  }
}
