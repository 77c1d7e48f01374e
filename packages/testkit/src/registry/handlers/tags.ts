import { registryError } from '../errors.js';
import { type MethodHandlers, sendJson } from '../http.js';

export interface TagsRoute {
  name: string;
}

/**
 * `GET /v2/<name>/tags/list`: the tags in lexical order (no pagination). NAME_UNKNOWN for a repository that was
 * never tagged; `"tags": null` once all its tags are gone, as distribution 2.8 answers.
 */
export const tagsHandlers: MethodHandlers<TagsRoute> = {
  GET({ res, store }, { name }) {
    const tags = store.tags(name);
    if (!tags) throw registryError('NAME_UNKNOWN', { name });
    sendJson(res, 200, { name, tags: tags.length > 0 ? tags : null });
  },
};
