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
   * Hosts reached over `http://` rather than `https://`, as `host:port` or just `host` (any port). Defaults to
   * loopback only: `localhost`, `127.0.0.1` and `[::1]`, on any port. A list given replaces the default.
   */
  plainHttp?: string[];
  /**
   * Also require the annotation `org.opencontainers.image.revision` of the manifest the reference points at (the
   * index, for a multi-platform image) to equal the commit being released. Default `false`.
   */
  requireRevision?: boolean;
  /** The HTTP transport; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Time allowed for each request, body included, in milliseconds. Default 10000. */
  timeoutMs?: number;
}

/** What a registry says about one reference. */
export type ArtifactLookup =
  | {
      present: true;
      /** The digest the reference resolves to, e.g. `sha256:…`. */
      digest: string;
      /** The media type of the manifest, e.g. `application/vnd.oci.image.index.v1+json`. */
      mediaType: string;
    }
  | {
      present: false;
      /** Why not, for people: whether it does not exist or could not be checked, and what to do about it. */
      reason: string;
    };
