import { type Artifact, annotationsWith, jsonBytes, ociImage } from './artifact.js';
import { describe, type Platform } from './manifest.js';
import { MediaType } from './media-types.js';
import { digestOf } from './reference.js';
import { singleFileTar } from './tar.js';
import type { ImagePushOptions } from './types.js';

/**
 * A container image for `pushImage`: per platform an OCI image manifest with a config and a one-file layer
 * (which says what image it belongs to, so each platform's digest differs); an OCI index over them when
 * there is more than one platform.
 */
export function buildImage(name: string, tag: string, options: ImagePushOptions = {}): Artifact {
  const platforms = options.platforms?.length ? options.platforms : ['linux/amd64'];
  const annotations = annotationsWith(options.annotations, options.revision);
  const images = platforms.map((platform) => {
    const layer = singleFileTar(
      'release-guard/image.json',
      jsonBytes({ name, tag, platform, revision: options.revision }),
    );
    const config = jsonBytes({
      ...parsePlatform(platform),
      config: {},
      rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
    });
    return ociImage(
      { mediaType: MediaType.ociConfig, bytes: config },
      { mediaType: MediaType.ociLayerTar, bytes: layer },
      annotations,
    );
  });
  const [single] = images;
  if (single && images.length === 1) return single;

  const index = jsonBytes({
    schemaVersion: 2,
    mediaType: MediaType.ociIndex,
    manifests: images.map((image, i) => ({
      ...describe(MediaType.ociManifest, image.manifests[0]!.bytes),
      platform: parsePlatform(platforms[i]!),
    })),
    annotations,
  });
  return {
    blobs: images.flatMap((image) => image.blobs),
    manifests: [...images.flatMap((image) => image.manifests), { mediaType: MediaType.ociIndex, bytes: index }],
  };
}

function parsePlatform(platform: string): Platform {
  const [os, architecture, variant, ...rest] = platform.split('/');
  if (!os || !architecture || variant === '' || rest.length > 0) {
    throw new Error(`pushImage: platform "${platform}" is not "os/arch" or "os/arch/variant", e.g. "linux/arm64"`);
  }
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}
