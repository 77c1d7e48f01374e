import { randomUUID } from 'node:crypto';
import { errorEntry, RegistryError, registryError } from './errors.js';
import { parseManifest } from './manifest.js';
import { digestOf } from './reference.js';
import type { PushRecord } from './types.js';

/** A manifest exactly as it was pushed: its digest is the sha256 of these bytes. */
export interface StoredManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

interface Repository {
  blobs: Map<string, Buffer>;
  manifests: Map<string, StoredManifest>;
  /** Undefined until the first tag: like distribution, a repository's tag list is unknown (NAME_UNKNOWN) until then. */
  tags?: Map<string, string>;
}

/** The registry's content, kept in memory: repositories of blobs, manifests and tags, open uploads and the push log. */
export class RegistryStore {
  private readonly repositories = new Map<string, Repository>();
  private readonly uploads = new Map<string, { name: string; chunks: Buffer[] }>();
  private readonly log: PushRecord[] = [];

  constructor(private readonly now: () => Date) {}

  blob(name: string, digest: string): Buffer | undefined {
    return this.repositories.get(name)?.blobs.get(digest);
  }

  putBlob(name: string, digest: string, bytes: Buffer): void {
    this.repository(name).blobs.set(digest, bytes);
  }

  /** The manifest `reference` (a tag or a digest) names in repository `name`. */
  manifest(name: string, reference: string): StoredManifest | undefined {
    const repository = this.repositories.get(name);
    const digest = repository?.tags?.get(reference) ?? reference;
    return repository?.manifests.get(digest);
  }

  /**
   * Stores a manifest in distribution's order of checks: its shape (MANIFEST_INVALID), the digest it was
   * pushed by (DIGEST_INVALID), then the blobs and manifests it references (MANIFEST_BLOB_UNKNOWN).
   * Pushing by tag points the tag at it and appends to the push log.
   */
  putManifest(name: string, reference: { tag: string } | { digest: string }, mediaType: string, bytes: Buffer) {
    const parsed = parseManifest(mediaType, bytes);
    const digest = digestOf(bytes);
    if ('digest' in reference && reference.digest !== digest) {
      throw registryError('DIGEST_INVALID', `the manifest's digest is ${digest}, not ${reference.digest}`);
    }
    const repository = this.repository(name);
    const missing =
      parsed.kind === 'index'
        ? parsed.manifests.filter((entry) => !repository.manifests.has(entry.digest))
        : [parsed.config, ...parsed.layers].filter((blob) => !blob.urls?.length && !repository.blobs.has(blob.digest));
    const [first, ...rest] = missing.map((entry) => errorEntry('MANIFEST_BLOB_UNKNOWN', entry.digest));
    if (first) throw new RegistryError(first, ...rest);

    const manifest: StoredManifest = { digest, mediaType, bytes };
    repository.manifests.set(digest, manifest);
    if ('tag' in reference) {
      repository.tags ??= new Map();
      repository.tags.set(reference.tag, digest);
      this.log.push({ name, tag: reference.tag, digest, mediaType, at: this.now() });
    }
    return manifest;
  }

  /** Deletes a manifest and the tags that point at it; false when there is no such manifest. */
  deleteManifest(name: string, digest: string): boolean {
    const repository = this.repositories.get(name);
    if (!repository?.manifests.delete(digest)) return false;
    for (const [tag, target] of repository.tags ?? []) {
      if (target === digest) repository.tags?.delete(tag);
    }
    return true;
  }

  /** Removes a tag (its manifest stays reachable by digest); false when there is no such tag. */
  deleteTag(name: string, tag: string): boolean {
    return this.repositories.get(name)?.tags?.delete(tag) ?? false;
  }

  /** The repository's tags in lexical order, or undefined when it has never been tagged. */
  tags(name: string): string[] | undefined {
    const tags = this.repositories.get(name)?.tags;
    return tags && [...tags.keys()].sort();
  }

  /** Opens an upload session and returns its id. */
  startUpload(name: string): string {
    const id = randomUUID();
    this.uploads.set(id, { name, chunks: [] });
    return id;
  }

  hasUpload(name: string, id: string): boolean {
    return this.uploads.get(id)?.name === name;
  }

  /** Appends to an open upload and returns its size so far, or undefined when `id` is no upload of `name`. */
  appendUpload(name: string, id: string, chunk: Buffer): number | undefined {
    const upload = this.uploads.get(id);
    if (upload?.name !== name) return undefined;
    upload.chunks.push(chunk);
    return upload.chunks.reduce((size, part) => size + part.length, 0);
  }

  /** Closes an upload (to commit or cancel it) and returns its bytes, or undefined when `id` is no upload of `name`. */
  closeUpload(name: string, id: string): Buffer | undefined {
    const upload = this.uploads.get(id);
    if (upload?.name !== name) return undefined;
    this.uploads.delete(id);
    return Buffer.concat(upload.chunks);
  }

  pushes(): PushRecord[] {
    return this.log.map((record) => ({ ...record, at: new Date(record.at) }));
  }

  reset(): void {
    this.repositories.clear();
    this.uploads.clear();
    this.log.length = 0;
  }

  private repository(name: string): Repository {
    let repository = this.repositories.get(name);
    if (!repository) {
      repository = { blobs: new Map(), manifests: new Map() };
      this.repositories.set(name, repository);
    }
    return repository;
  }
}
