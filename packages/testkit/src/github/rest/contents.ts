import { isDirectory, resolveCommit, treeOf, urlPath } from '../contents.js';
import { shaOf } from '../state.js';
import { error, type Handler, type HandlerContext, notFound, unserved } from './context.js';

/** The media types that ask for a file raw, as HTML or as an object: the emulator answers JSON only. */
const OTHER_MEDIA_TYPES = /application\/vnd\.github\.(?:v3\.)?(raw|html|object)\b/;

/**
 * A file at a ref (`repos/get-content`): its content base64-encoded, as GitHub's default JSON media type
 * has it; a directory, the list of its entries (`content-directory`: files and directories, by name,
 * without content). 404 "Not Found" for a path the commit does not hold; 404 "No commit found for the
 * ref …" for a ref that names no commit. The other media types are not served.
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
    return { status: 200, body: directory(ctx, tree, ref ?? ctx.repo.defaultBranch, path) };
  }
  return notFound();
};

/** The entries of directory `path` of `tree` at `ref`, as GitHub lists them: sorted by name, no content. */
function directory(ctx: HandlerContext, tree: ReadonlyMap<string, Buffer>, ref: string, path: string) {
  const prefix = path === '' ? '' : `${path}/`;
  const names = new Map<string, 'file' | 'dir'>();
  for (const file of tree.keys()) {
    if (!file.startsWith(prefix)) continue;
    const [name, ...below] = file.slice(prefix.length).split('/');
    if (name) names.set(name, below.length > 0 ? 'dir' : 'file');
  }
  return [...names]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, type]) => {
      const entry = `${prefix}${name}`;
      if (type === 'file') {
        const {
          encoding: _encoding,
          content: _content,
          ...listed
        } = ctx.repr.contentFile(ctx.repo, ref, entry, tree.get(entry) as Buffer);
        return listed;
      }
      const sha = shaOf(`tree:${ctx.repo.fullName}:${ref}:${entry}`);
      const self = `${ctx.url}/repos/${ctx.repo.fullName}/contents/${urlPath(entry)}?ref=${encodeURIComponent(ref)}`;
      const git = `${ctx.url}/repos/${ctx.repo.fullName}/git/trees/${sha}`;
      const html = `${ctx.url}/_html/${ctx.repo.fullName}/tree/${urlPath(ref)}/${urlPath(entry)}`;
      return {
        type,
        size: 0,
        name,
        path: entry,
        sha,
        url: self,
        git_url: git,
        html_url: html,
        download_url: null,
        _links: { self, git, html },
      };
    });
}
