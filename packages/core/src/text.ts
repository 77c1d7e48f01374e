/** GitHub's limit for a commit status description. */
export const DESCRIPTION_LIMIT = 140;

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** Cuts `text` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * Makes untrusted text (branch names, failure reasons, logins) inert inside Markdown: no HTML, no
 * links, images, mentions, tables or code spans, one line, bounded length.
 */
export function inertMarkdown(text: string, max = 300): string {
  return truncate(text, max).replace(/[\\`*_{}[\]()<>#+!|~@&:-]/g, (char) => `&#${char.charCodeAt(0)};`);
}
