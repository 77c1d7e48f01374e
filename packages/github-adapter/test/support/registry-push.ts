import { createHash } from 'node:crypto';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Pushes with plain `fetch`: monolithic blob uploads (POST, then PUT `?digest=`) and manifest PUTs. */
export class Pusher {
  constructor(
    private readonly url: string,
    private readonly authorization?: string,
  ) {}

  /** An OCI image (config and one layer) tagged `tag`; resolves to its manifest's digest. */
  async image(name: string, tag: string, seed: string, annotations?: Record<string, string>): Promise<string> {
    return (await this.imageManifest(name, tag, seed, annotations)).digest;
  }

  /** An OCI index over one image per architecture, tagged `tag`; resolves to the index's digest. */
  async index(name: string, tag: string, architectures: string[]): Promise<string> {
    const manifests = [];
    for (const architecture of architectures) {
      const image = await this.imageManifest(name, `${tag}-${architecture}`, `${name}:${tag} ${architecture}`);
      manifests.push({ mediaType: OCI_MANIFEST, ...image, platform: { architecture, os: 'linux' } });
    }
    return (await this.manifest(name, tag, OCI_INDEX, { schemaVersion: 2, mediaType: OCI_INDEX, manifests })).digest;
  }

  /** A Helm chart as `helm push` stores it: a Helm config and one chart archive layer. */
  async chart(name: string, version: string): Promise<string> {
    const chartName = name.split('/').at(-1);
    const config = Buffer.from(JSON.stringify({ apiVersion: 'v2', name: chartName, version }));
    const archive = Buffer.from(`not really a tgz of ${chartName}-${version}`);
    const manifest = await this.manifest(name, version, OCI_MANIFEST, {
      schemaVersion: 2,
      config: await this.blob(name, 'application/vnd.cncf.helm.config.v1+json', config),
      layers: [await this.blob(name, 'application/vnd.cncf.helm.chart.content.v1.tar+gzip', archive)],
      annotations: { 'org.opencontainers.image.title': chartName, 'org.opencontainers.image.version': version },
    });
    return manifest.digest;
  }

  private async imageManifest(name: string, tag: string, seed: string, annotations?: Record<string, string>) {
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
    const layer = Buffer.from(`layer of ${seed}`);
    return this.manifest(name, tag, OCI_MANIFEST, {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: await this.blob(name, 'application/vnd.oci.image.config.v1+json', config),
      layers: [await this.blob(name, 'application/vnd.oci.image.layer.v1.tar', layer)],
      ...(annotations ? { annotations } : {}),
    });
  }

  private async blob(name: string, mediaType: string, bytes: Buffer) {
    const digest = sha256(bytes);
    const started = await fetch(`${this.url}/v2/${name}/blobs/uploads/`, { method: 'POST', headers: this.headers() });
    await started.arrayBuffer();
    const location = started.headers.get('location');
    if (started.status !== 202 || !location) throw new Error(`upload to ${name} answered ${started.status}`);
    const target = new URL(location, this.url);
    target.searchParams.set('digest', digest);
    const res = await fetch(target, {
      method: 'PUT',
      headers: this.headers({ 'content-type': 'application/octet-stream' }),
      body: bytes,
    });
    if (res.status !== 201) throw new Error(`blob PUT to ${name} answered ${res.status}: ${await res.text()}`);
    return { mediaType, digest, size: bytes.length };
  }

  private async manifest(name: string, reference: string, mediaType: string, manifest: object) {
    const bytes = Buffer.from(JSON.stringify(manifest));
    const res = await fetch(`${this.url}/v2/${name}/manifests/${reference}`, {
      method: 'PUT',
      headers: this.headers({ 'content-type': mediaType }),
      body: bytes,
    });
    if (res.status !== 201)
      throw new Error(`manifest PUT ${name}:${reference} answered ${res.status}: ${await res.text()}`);
    return { digest: sha256(bytes), size: bytes.length };
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.authorization ? { authorization: this.authorization } : {}), ...extra };
  }
}
