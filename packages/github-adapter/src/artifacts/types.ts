import type { Octokit } from '@octokit/rest';

/** Credentials for one registry: HTTP basic, or the basic credentials of its bearer token endpoint. */
export interface RegistryCredentials {
  /** For ghcr.io any username will do. */
  username: string;
  /** A password or token; for ghcr.io a token that may `read:packages`. */
  password: string;
}

export interface ArtifactVerifierOptions {
  /**
   * Credentials by registry host as written in references, e.g. `ghcr.io` or `127.0.0.1:5000` (`docker.io` for
   * Docker Hub). Without credentials for a host, its registry is asked anonymously.
   */
  credentials?: Record<string, RegistryCredentials>;
  /**
   * Where `npm:` refs are looked up, and the tokens sent there. Default: npm's public registry
   * (`https://registry.npmjs.org`), anonymously. `parseNpmrc` reads them from `.npmrc` text.
   */
  npm?: NpmRegistries;
  /** Reads the releases of `gh-release:` refs (`repos/get-release-by-tag`); without it they cannot be checked. */
  octokit?: Octokit;
  /**
   * Hosts reached over `http://` rather than `https://`, as `host:port` or just `host` (any port). Defaults to
   * loopback only: `localhost`, `127.0.0.1` and `[::1]`, on any port. A list given replaces the default.
   */
  plainHttp?: string[];
  /**
   * Also require the annotation `org.opencontainers.image.revision` of the manifest the reference points at (the
   * index, for a multi-platform image) to equal the commit being released; for an npm package, its `gitHead`
   * when the version has one (read from the full packument). Release assets are not checked. Default `false`.
   */
  requireRevision?: boolean;
  /** The HTTP transport; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Time allowed for each request, body included, in milliseconds. Default 10000. */
  timeoutMs?: number;
}

/** npm registries as `.npmrc` configures them, and the tokens they are given. */
export interface NpmRegistries {
  /** The registry of unscoped packages and of scopes without one of their own. Default `https://registry.npmjs.org`. */
  registry?: string;
  /** Registries by scope, e.g. `{ '@acme': 'https://npm.pkg.github.com' }` (`.npmrc`'s `@acme:registry=`). */
  scopes?: Record<string, string>;
  /**
   * Tokens sent as `Authorization: Bearer`, by registry host, or host and path (`.npmrc`'s
   * `//npm.pkg.github.com/:_authToken=` is `npm.pkg.github.com`): the longest key matching a registry's URL wins.
   */
  tokens?: Record<string, string>;
}

/** What a registry says about one reference. */
export type ArtifactLookup =
  | {
      present: true;
      /**
       * The digest the reference resolves to: an OCI manifest's `sha256:…`; an npm version's `dist.integrity`
       * (`sha512-…`, or `sha1:<shasum>`); a release asset's `digest`, or `github-asset:<id>:<size>` without one.
       */
      digest: string;
      /**
       * The media type of the manifest, e.g. `application/vnd.oci.image.index.v1+json`; `application/gzip` for an
       * npm package (its tarball); a release asset's `content_type`.
       */
      mediaType: string;
    }
  | {
      present: false;
      /** Why not, for people: whether it does not exist or could not be checked, and what to do about it. */
      reason: string;
    };
