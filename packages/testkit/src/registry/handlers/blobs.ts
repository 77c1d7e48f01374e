import { registryError } from '../errors.js';
import { type MethodHandlers, type RequestContext, send } from '../http.js';
import { isDigest } from '../reference.js';

export interface BlobRoute {
  name: string;
  digest: string;
}

/** `/v2/<name>/blobs/<digest>`: HEAD and GET. */
export const blobHandlers: MethodHandlers<BlobRoute> = {
  GET: getBlob,
  HEAD: getBlob,
};

function getBlob({ res, store }: RequestContext, { name, digest }: BlobRoute): void {
  if (!isDigest(digest)) throw registryError('DIGEST_INVALID', `"${digest}" is not a sha256, sha384 or sha512 digest`);
  const blob = store.blob(name, digest);
  if (!blob) throw registryError('BLOB_UNKNOWN', digest);
  send(
    res,
    200,
    {
      'Content-Type': 'application/octet-stream',
      'Docker-Content-Digest': digest,
      ETag: `"${digest}"`,
      'Cache-Control': 'max-age=31536000',
    },
    blob,
  );
}
