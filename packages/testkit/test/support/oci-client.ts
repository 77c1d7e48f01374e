import { createHash } from 'node:crypto';

/** The sha256 digest of `bytes`, as `sha256:<hex>`. */
export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface Credentials {
  username: string;
  password: string;
}

/** `Authorization` header for HTTP basic authentication. */
export function basicAuthorization({ username, password }: Credentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

/**
 * A small OCI distribution client over `fetch`, pushing the way most clients do (monolithic blob uploads:
 * POST then PUT to the Location; manifests by PUT). Every request carries `authorization` when given.
 */
export class OciClient {
  constructor(
    readonly baseUrl: string,
    private readonly authorization?: string,
  ) {}

  request(method: string, path: string, init: { headers?: Record<string, string>; body?: Uint8Array } = {}) {
    const headers = { ...(this.authorization ? { authorization: this.authorization } : {}), ...init.headers };
    return fetch(new URL(path, this.baseUrl), { method, headers, body: init.body });
  }

  /** Uploads a blob; answers the final PUT (201 when stored), or the POST when it did not open an upload. */
  async pushBlob(name: string, bytes: Uint8Array, digest = sha256(bytes)): Promise<Response> {
    const started = await this.request('POST', `/v2/${name}/blobs/uploads/`);
    await started.arrayBuffer();
    const location = started.headers.get('location');
    if (started.status !== 202 || !location) return started;
    const target = new URL(location, this.baseUrl);
    target.searchParams.set('digest', digest);
    return this.request('PUT', target.pathname + target.search, {
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
  }

  pushManifest(name: string, reference: string, mediaType: string, bytes: Uint8Array): Promise<Response> {
    return this.request('PUT', `/v2/${name}/manifests/${reference}`, {
      headers: { 'content-type': mediaType },
      body: bytes,
    });
  }
}
