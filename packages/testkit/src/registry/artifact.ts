import { describe } from './manifest.js';
import { MediaType } from './media-types.js';

/** The annotation OCI tools read a source revision (commit SHA) from. */
export const REVISION_ANNOTATION = 'org.opencontainers.image.revision';

/** Content for the control API to store: blobs, then manifests by digest, the last of which gets the tag. */
export interface Artifact {
  blobs: Buffer[];
  manifests: { mediaType: string; bytes: Buffer }[];
}

/** A piece of content and the media type a manifest gives it. */
export interface Content {
  mediaType: string;
  bytes: Buffer;
}

/** Serializes a manifest or config the way it will be stored and digested. */
export function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** `annotations` plus the revision annotation when `revision` is given; undefined when that leaves none. */
export function annotationsWith(
  annotations: Record<string, string> | undefined,
  revision: string | undefined,
): Record<string, string> | undefined {
  const all = { ...annotations, ...(revision === undefined ? {} : { [REVISION_ANNOTATION]: revision }) };
  return Object.keys(all).length > 0 ? all : undefined;
}

/** An OCI image manifest (one config, one layer) and its blobs. */
export function ociImage(config: Content, layer: Content, annotations?: Record<string, string>): Artifact {
  const manifest = jsonBytes({
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: describe(config.mediaType, config.bytes),
    layers: [describe(layer.mediaType, layer.bytes)],
    annotations,
  });
  return { blobs: [config.bytes, layer.bytes], manifests: [{ mediaType: MediaType.ociManifest, bytes: manifest }] };
}
