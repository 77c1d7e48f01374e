/**
 * The clients of one run, made from the inputs' tokens: Octokit for GitHub, credentials for the registries.
 * Apart from the context (`environment.ts`) so that the HTTP client is loaded only when a command needs it.
 */
import { type ArtifactVerifierOptions, createOctokit, parseNpmrc } from '@release-guard/github-adapter';
import { type ActionInputs, InputError } from './inputs.js';
import type { ActionClients } from './run.js';

/**
 * The clients of one run: `token` for reads, statuses, comments and dispatches, `merge-token` for merges,
 * on `GITHUB_API_URL` (GitHub Enterprise Server included). Registries are read anonymously, except
 * `ghcr.io`, which is given `registry-token` (default `token`) whatever a package's visibility: that token
 * needs `packages: read` whenever an artifact is on `ghcr.io`, public or private. npm registries and their
 * tokens come from `npmrc`; release assets are read with `token`'s client.
 */
export function actionClients(inputs: ActionInputs, env: NodeJS.ProcessEnv): ActionClients {
  const baseUrl = env.GITHUB_API_URL || 'https://api.github.com';
  const userAgent = 'release-guard-action';
  const octokit = createOctokit({ token: inputs.tokens.token, baseUrl, userAgent });
  const mergeToken = inputs.tokens.mergeToken;
  const registries: ArtifactVerifierOptions = {
    credentials: {
      'ghcr.io': { username: 'release-guard', password: inputs.tokens.registryToken ?? inputs.tokens.token },
    },
    octokit,
    ...(inputs.tokens.npmrc ? { npm: npmRegistries(inputs.tokens.npmrc) } : {}),
  };
  return {
    octokit,
    ...(mergeToken ? { mergeOctokit: createOctokit({ token: mergeToken, baseUrl, userAgent }) } : {}),
    registries,
  };
}

/** The `npmrc` input read; its errors name a line, never a token. */
function npmRegistries(npmrc: string) {
  try {
    return parseNpmrc(npmrc);
  } catch (error) {
    throw new InputError('npmrc', (error as Error).message);
  }
}
