/** GitHub's limit for a commit status description. */
export const DESCRIPTION_LIMIT = 140;

/** A commit SHA as GitHub abbreviates it in its interface: its first seven characters. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A zero-width space, written as an entity so that it shows in the Markdown source. */
const BREAK = '&#8203;';

/**
 * Makes untrusted text (branch names, failure reasons, logins) inert inside Markdown: no HTML, no
 * links, images, mentions, tables or code spans, one line, bounded length.
 *
 * Markdown syntax is escaped as numeric entities. GitHub finds @mentions and #references in the
 * rendered text, after entities are decoded, so `&#64;` alone would still notify; a zero-width space
 * after `@` and `#`, inside `://` and after `www.` breaks mentions, references and bare-URL autolinks.
 */
export function inertMarkdown(text: string, max = 300): string {
  return truncate(text, max).replace(/www\.|:\/\/|[\\`*_{}[\]()<>#+!|~@&:-]/gi, (match) => {
    if (match.length > 1) return match === '://' ? `&#58;${BREAK}//` : `${match}${BREAK}`;
    const entity = `&#${match.charCodeAt(0)};`;
    return match === '@' || match === '#' ? `${entity}${BREAK}` : entity;
  });
}
