import { MediaType } from '../../src/registry/index.js';
import { type OciClient, sha256 } from './oci-client.js';

/** An OCI image made by hand (config, one layer, manifest), as a client would push it. */
export interface SampleImage {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  digest: string;
}

export function sampleImage(seed: string, annotations?: Record<string, string>): SampleImage {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', seed }));
  const layer = Buffer.from(`layer of ${seed}`);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: sha256(config), size: config.length },
      layers: [{ mediaType: MediaType.ociLayerTar, digest: sha256(layer), size: layer.length }],
      annotations,
    }),
  );
  return { config, layer, manifest, digest: sha256(manifest) };
}

/** An index over `images`, each given the platform `linux/<architecture>`. */
export function sampleIndex(
  mediaType: string,
  entries: { image: SampleImage; architecture: string }[],
): { bytes: Buffer; digest: string } {
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      manifests: entries.map(({ image, architecture }) => ({
        mediaType: MediaType.ociManifest,
        digest: image.digest,
        size: image.manifest.length,
        platform: { architecture, os: 'linux' },
      })),
    }),
  );
  return { bytes, digest: sha256(bytes) };
}

/** Pushes the image's blobs, then its manifest by `reference`; answers the manifest PUT. */
export async function pushSampleImage(client: OciClient, name: string, reference: string, image: SampleImage) {
  for (const blob of [image.config, image.layer]) {
    const res = await client.pushBlob(name, blob);
    if (res.status !== 201) throw new Error(`blob upload to ${name} answered ${res.status}: ${await res.text()}`);
  }
  return client.pushManifest(name, reference, MediaType.ociManifest, image.manifest);
}
