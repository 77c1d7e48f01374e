import { registryError } from '../errors.js';
import { type MethodHandlers, type RequestContext, readBody, send } from '../http.js';
import { digestOf, isDigest } from '../reference.js';

export interface UploadsRoute {
  name: string;
}

export interface UploadRoute {
  name: string;
  id: string;
}

/**
 * `POST /v2/<name>/blobs/uploads/`: opens an upload (202 and its `Location`), or, with `?digest=`, takes the
 * whole blob in this one request (201), which the OCI spec allows and distribution 2.8 does not do (it ignores
 * the body and answers 202). Cross-repository mounts (`?mount=&from=`) are not emulated: an upload is opened,
 * as the spec allows.
 */
export const uploadsHandlers: MethodHandlers<UploadsRoute> = {
  async POST({ req, res, url, store, registryUrl }, { name }) {
    const body = await readBody(req);
    if (url.searchParams.has('digest')) {
      storeVerified({ res, store, registryUrl }, name, requireDigest(url), body);
      return;
    }
    const id = store.startUpload(name);
    send(res, 202, {
      Location: `${registryUrl}/v2/${name}/blobs/uploads/${id}`,
      'Docker-Upload-UUID': id,
      Range: '0-0',
    });
  },
};

/**
 * `/v2/<name>/blobs/uploads/<id>`: PATCH appends a chunk (202), PUT `?digest=` appends the last one and commits
 * (201), DELETE cancels (204; skopeo does so after asking for a mount and getting an upload).
 */
export const uploadHandlers: MethodHandlers<UploadRoute> = {
  async PATCH({ req, res, store, registryUrl }, { name, id }) {
    const size = store.appendUpload(name, id, await readBody(req));
    if (size === undefined) throw registryError('BLOB_UPLOAD_UNKNOWN', `no upload ${id} is open in ${name}`);
    send(res, 202, {
      Location: `${registryUrl}/v2/${name}/blobs/uploads/${id}`,
      'Docker-Upload-UUID': id,
      Range: `0-${Math.max(size - 1, 0)}`,
    });
  },
  async PUT({ req, res, url, store, registryUrl }, { name, id }) {
    const body = await readBody(req);
    if (!store.hasUpload(name, id)) throw registryError('BLOB_UPLOAD_UNKNOWN', `no upload ${id} is open in ${name}`);
    // Checked before the upload is touched, so that the client may retry with a digest.
    const digest = requireDigest(url);
    store.appendUpload(name, id, body);
    storeVerified({ res, store, registryUrl }, name, digest, store.closeUpload(name, id)!);
  },
  DELETE({ res, store }, { name, id }) {
    if (!store.closeUpload(name, id)) throw registryError('BLOB_UPLOAD_UNKNOWN', `no upload ${id} is open in ${name}`);
    send(res, 204, { 'Docker-Upload-UUID': id });
  },
};

/** The `digest` query parameter; DIGEST_INVALID when it is missing or not a digest, as distribution answers. */
function requireDigest(url: URL): string {
  const digest = url.searchParams.get('digest');
  if (digest === null) throw registryError('DIGEST_INVALID', 'digest missing');
  if (!isDigest(digest)) throw registryError('DIGEST_INVALID', `"${digest}" is not a sha256, sha384 or sha512 digest`);
  return digest;
}

/** Stores `bytes` as the blob `digest` if that is their digest (201), else answers DIGEST_INVALID. */
function storeVerified(
  { res, store, registryUrl }: Pick<RequestContext, 'res' | 'store' | 'registryUrl'>,
  name: string,
  digest: string,
  bytes: Buffer,
): void {
  const actual = digestOf(bytes, digest.slice(0, digest.indexOf(':')));
  if (actual !== digest) {
    throw registryError('DIGEST_INVALID', `the uploaded content's digest is ${actual}, not ${digest}`);
  }
  store.putBlob(name, digest, bytes);
  send(res, 201, { Location: `${registryUrl}/v2/${name}/blobs/${digest}`, 'Docker-Content-Digest': digest });
}
