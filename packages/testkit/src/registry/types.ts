/** Who may use the registry. */
export type RegistryAuth =
  /** Everyone may pull and push. */
  | { kind: 'anonymous' }
  /** HTTP basic authentication, as distribution's htpasswd access controller does it. */
  | { kind: 'basic'; username: string; password: string }
  /**
   * Token authentication as ghcr.io does it: `GET /token` with these basic credentials hands out a bearer token
   * for the scopes asked; `service` defaults to the registry's host.
   */
  | { kind: 'bearer'; username: string; password: string; service?: string };

export interface RegistryOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Defaults to `{ kind: 'anonymous' }`. */
  auth?: RegistryAuth;
  /** Clock for the push log; defaults to the system clock. */
  now?: () => Date;
}

export interface ImagePushOptions {
  /** Written as the annotation `org.opencontainers.image.revision` (a commit SHA, usually). */
  revision?: string;
  /**
   * Platforms as `os/arch` or `os/arch/variant`; defaults to `['linux/amd64']`. More than one makes an OCI
   * image index with one image manifest per platform.
   */
  platforms?: string[];
  /** Annotations on the manifest (and, for several platforms, on the index and each manifest). */
  annotations?: Record<string, string>;
}

export interface ChartPushOptions {
  /** `appVersion` in the chart's Chart.yaml and config. */
  appVersion?: string;
  /** Written as the annotation `org.opencontainers.image.revision`. */
  revision?: string;
  annotations?: Record<string, string>;
}

/** One tag pointed at a manifest, by the control API or by `PUT /v2/<name>/manifests/<tag>`. */
export interface PushRecord {
  name: string;
  tag: string;
  digest: string;
  mediaType: string;
  at: Date;
}

/** One HTTP request the registry answered; `path` has no query string. */
export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

/** Changes and inspects the registry's content directly, without HTTP or authentication. */
export interface RegistryControl {
  /** Pushes an image (blobs, manifest or index) and tags it; resolves to the digest the tag points at. */
  pushImage(name: string, tag: string, options?: ImagePushOptions): Promise<{ digest: string }>;
  /** Pushes a Helm chart as an OCI artifact, named after the last component of `name`, with `tag` as its version. */
  pushChart(name: string, tag: string, options?: ChartPushOptions): Promise<{ digest: string }>;
  /** Removes a tag; its manifest stays reachable by digest. Throws when there is no such tag. */
  deleteTag(name: string, tag: string): void;
  /** The push log, oldest first: pushes of tags only (manifests pushed by digest alone are not logged). */
  pushes(): PushRecord[];
  /** Every HTTP request answered so far, oldest first. */
  requests(): RequestRecord[];
  /** Forgets all content, open uploads, tokens and both logs. */
  reset(): void;
}

/** A running registry emulator. */
export interface Registry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, the registry part of an image reference. */
  host: string;
  control: RegistryControl;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}
