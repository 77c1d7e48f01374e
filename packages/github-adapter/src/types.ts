/** A repository, in Octokit's parameter names. */
export interface RepoRef {
  owner: string;
  repo: string;
}
