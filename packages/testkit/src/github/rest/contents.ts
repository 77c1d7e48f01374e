import { isDirectory, resolveCommit, treeOf } from '../contents.js';
import { error, type Handler, notFound, unserved } from './context.js';

/** The media types that ask for a file raw, as HTML or as an object: the emulator answers JSON only. */
const OTHER_MEDIA_TYPES = /application\/vnd\.github\.(?:v3\.)?(raw|html|object)\b/;

/**
 * A file at a ref (`repos/get-content`): its content base64-encoded, as GitHub's default JSON media type
 * has it. 404 "Not Found" for a path the commit does not hold; 404 "No commit found for the ref …" for a
 * ref that names no commit. Directory listings and the other media types are not served.
 */
export const getContent: Handler = (ctx) => {
  const other = OTHER_MEDIA_TYPES.exec(ctx.accept)?.[1];
  if (other) return unserved(`the emulator serves repository content as JSON only, not in the ${other} media type`);
  const path = (ctx.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const ref = ctx.query.ref || undefined;
  const sha = resolveCommit(ctx.state, ctx.repo, ref);
  if (!sha) return ref === undefined ? notFound() : error(404, `No commit found for the ref ${ref}`);
  const tree = treeOf(ctx.state, ctx.repo, sha);
  const content = tree?.get(path);
  if (content) {
    return { status: 200, body: ctx.repr.contentFile(ctx.repo, ref ?? ctx.repo.defaultBranch, path, content) };
  }
  if (tree && isDirectory(tree, path)) {
    return unserved(
      `${path || 'the root'} is a directory at ${ref ?? ctx.repo.defaultBranch}: the emulator serves files, not directory listings`,
    );
  }
  return notFound();
};
