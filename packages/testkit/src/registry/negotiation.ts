import { registryError } from './errors.js';
import { parseManifest } from './manifest.js';
import { MediaType } from './media-types.js';
import type { StoredManifest } from './store.js';

/** The media types an `Accept` header lists, without `q=` and other parameters (`*\/*` matches nothing). */
export function acceptedMediaTypes(accept: string | undefined): Set<string> {
  return new Set((accept ?? '').split(',').map((type) => type.split(';')[0]!.trim()));
}

/**
 * What distribution 2.8 (and 3.x) serves for a GET or HEAD of `manifest`, given the media types the client accepts:
 * - an OCI manifest only to a client accepting `application/vnd.oci.image.manifest.v1+json`,
 * - an OCI index only to a client accepting `application/vnd.oci.image.index.v1+json` (accepting the Docker
 *   manifest list type is not enough), else 404 MANIFEST_UNKNOWN;
 * - for a Docker manifest list fetched by tag by a client that does not accept lists, its linux/amd64 manifest
 *   (404 MANIFEST_UNKNOWN when it has none).
 * Not emulated: distribution's rewriting of Docker schema 2 manifests to schema 1 for clients that accept neither;
 * they get the schema 2 manifest as stored.
 */
export function negotiate(
  manifest: StoredManifest,
  accepted: Set<string>,
  byTag: boolean,
  byDigest: (digest: string) => StoredManifest | undefined,
): StoredManifest {
  switch (manifest.mediaType) {
    case MediaType.ociManifest:
      if (accepted.has(MediaType.ociManifest)) return manifest;
      throw registryError(
        'MANIFEST_UNKNOWN',
        undefined,
        'OCI manifest found, but accept header does not support OCI manifests',
      );
    case MediaType.ociIndex:
      if (accepted.has(MediaType.ociIndex)) return manifest;
      throw registryError(
        'MANIFEST_UNKNOWN',
        undefined,
        'OCI index found, but accept header does not support OCI indexes',
      );
    case MediaType.dockerManifestList: {
      if (!byTag || accepted.has(MediaType.dockerManifestList)) return manifest;
      const list = parseManifest(manifest.mediaType, manifest.bytes);
      const entry =
        list.kind === 'index'
          ? list.manifests.find((item) => item.platform?.os === 'linux' && item.platform.architecture === 'amd64')
          : undefined;
      const child = entry && byDigest(entry.digest);
      if (!child) throw registryError('MANIFEST_UNKNOWN');
      return child;
    }
    default:
      return manifest;
  }
}
