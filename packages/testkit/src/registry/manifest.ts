import { registryError } from './errors.js';
import { INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MediaType } from './media-types.js';
import { digestOf, isDigest } from './reference.js';

/** A platform as OCI indexes and Docker manifest lists describe it. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** An OCI content descriptor: what a manifest says about a blob or a manifest it references. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: Platform;
}

/** A manifest as the registry understands it: an image (config and layers) or an index of manifests. */
export type ParsedManifest =
  | { kind: 'image'; config: Descriptor; layers: Descriptor[] }
  | { kind: 'index'; manifests: Descriptor[] };

/** The descriptor of `bytes` stored as `mediaType`. */
export function describe(mediaType: string, bytes: Uint8Array): Descriptor {
  return { mediaType, digest: digestOf(bytes), size: bytes.length };
}

/** `Content-Type` without its parameters (`; charset=...`), as distribution compares it. */
export function baseMediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim();
}

/**
 * Parses a manifest body sent as `mediaType` and checks its shape as distribution does on a PUT.
 * Throws a `MANIFEST_INVALID` {@link RegistryError} whose detail says what is wrong.
 */
export function parseManifest(mediaType: string, bytes: Uint8Array): ParsedManifest {
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) {
    invalid(
      `unsupported manifest media type "${mediaType}"; the Content-Type must be one of ${MANIFEST_MEDIA_TYPES.join(', ')}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    invalid(`manifest is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(json)) invalid('manifest is not a JSON object');
  if (json.schemaVersion !== 2) invalid(`schemaVersion is ${JSON.stringify(json.schemaVersion)}, expected 2`);
  const isOci = mediaType === MediaType.ociManifest || mediaType === MediaType.ociIndex;
  if (json.mediaType !== mediaType && (!isOci || json.mediaType !== undefined)) {
    invalid(`mediaType ${JSON.stringify(json.mediaType)} in the manifest does not match Content-Type "${mediaType}"`);
  }
  if (INDEX_MEDIA_TYPES.includes(mediaType)) {
    return { kind: 'index', manifests: descriptors(json.manifests, 'manifests') };
  }
  return { kind: 'image', config: descriptor(json.config, 'config'), layers: descriptors(json.layers ?? [], 'layers') };
}

function descriptors(value: unknown, field: string): Descriptor[] {
  if (!Array.isArray(value)) invalid(`${field} is not an array`);
  return value.map((item, index) => descriptor(item, `${field}[${index}]`));
}

function descriptor(value: unknown, field: string): Descriptor {
  if (
    !isRecord(value) ||
    typeof value.mediaType !== 'string' ||
    typeof value.digest !== 'string' ||
    !isDigest(value.digest) ||
    typeof value.size !== 'number'
  ) {
    invalid(`${field} is not a descriptor with a mediaType, a sha256/sha384/sha512 digest and a size`);
  }
  return value as unknown as Descriptor;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(detail: string): never {
  throw registryError('MANIFEST_INVALID', detail);
}
