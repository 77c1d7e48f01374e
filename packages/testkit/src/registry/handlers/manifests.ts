import { registryError } from '../errors.js';
import { type MethodHandlers, type RequestContext, readBody, send } from '../http.js';
import { baseMediaType } from '../manifest.js';
import { acceptedMediaTypes, negotiate } from '../negotiation.js';
import { isDigest } from '../reference.js';

export interface ManifestRoute {
  name: string;
  /** A tag, or a digest when it has a `:`. */
  reference: string;
}

/** `/v2/<name>/manifests/<reference>`: HEAD and GET (negotiated by `Accept`), PUT, and DELETE by digest. */
export const manifestHandlers: MethodHandlers<ManifestRoute> = {
  GET: getManifest,
  HEAD: getManifest,
  async PUT({ req, res, store, registryUrl }, { name, reference }) {
    const body = await readBody(req);
    if (reference.includes(':') && !isDigest(reference)) {
      throw registryError('DIGEST_INVALID', `"${reference}" is not a sha256, sha384 or sha512 digest`);
    }
    const target = reference.includes(':') ? { digest: reference } : { tag: reference };
    const { digest } = store.putManifest(name, target, baseMediaType(req.headers['content-type']), body);
    send(res, 201, { Location: `${registryUrl}/v2/${name}/manifests/${digest}`, 'Docker-Content-Digest': digest });
  },
  DELETE({ res, store }, { name, reference }) {
    // distribution 2.8 deletes by digest only; a tag is answered as a digest that does not parse.
    if (!isDigest(reference)) throw registryError('DIGEST_INVALID');
    if (!store.deleteManifest(name, reference)) throw registryError('MANIFEST_UNKNOWN');
    send(res, 202, {});
  },
};

function getManifest({ req, res, store }: RequestContext, { name, reference }: ManifestRoute): void {
  const byTag = !reference.includes(':');
  const stored = store.manifest(name, reference);
  if (!stored) {
    throw registryError('MANIFEST_UNKNOWN', byTag ? { Tag: reference } : { Name: name, Revision: reference });
  }
  const served = negotiate(stored, acceptedMediaTypes(req.headers.accept), byTag, (digest) =>
    store.manifest(name, digest),
  );
  send(
    res,
    200,
    { 'Content-Type': served.mediaType, 'Docker-Content-Digest': served.digest, ETag: `"${served.digest}"` },
    served.bytes,
  );
}
