/**
 * Hostile text and its oracle, for any package that renders text from outside into Markdown: an
 * arbitrary of the pieces Markdown, HTML and GitHub give meaning to, and `liveMarkdown`, which says
 * what in a rendered document is live (HTML, links, mentions, references, autolinks) instead of inert.
 */
import fc from 'fast-check';

/** The pieces Markdown, HTML and GitHub give meaning to, with a few plain and non-ASCII characters. */
export const HOSTILE_PIECES: readonly string[] = [
  '<',
  '>',
  '[',
  ']',
  '(',
  ')',
  '!',
  '@',
  '#',
  '`',
  '|',
  '\n',
  '\r',
  '\u2028',
  '-',
  ':',
  '/',
  'www.',
  'https://',
  '&',
  ';',
  '\\',
  '*',
  '_',
  '~',
  ' ',
  '\u200b',
  '<!--',
  '-->',
  'img',
  'a',
  '1',
  'é',
  '😀',
];

/** Text built from {@link HOSTILE_PIECES}, at most `maxLength` pieces long (default 60). */
export function hostileText(maxLength = 60): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...HOSTILE_PIECES), maxLength });
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Text as a Markdown renderer hands it on: numeric and common named entities decoded. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)));
    return NAMED[body.toLowerCase()] ?? whole;
  });
}

/** The Markdown with fenced code blocks and code spans removed: what is left is rendered as Markdown. */
export function outsideCode(markdown: string): string {
  const kept: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) kept.push(line.replace(/`[^`\n]*`/g, ''));
  }
  return kept.join('\n');
}

export interface InertOptions {
  /** HTML tags the renderer writes itself, e.g. `<details>`. */
  ownTags?: readonly string[];
  /** Lines the renderer writes itself that use Markdown syntax checked here, e.g. `> [!WARNING]`. */
  ownLines?: readonly string[];
  /** References the renderer writes itself, e.g. `#7` for the pull request. */
  ownReferences?: readonly string[];
}

/**
 * What in `markdown` is live: raw HTML (tags, comments), link or image syntax, autolinks, @mentions,
 * #references, an unbalanced code span, a table row with extra cells, a state marker, or a bare `&`
 * that would let an entity through. Empty when everything from outside is inert.
 */
export function liveMarkdown(markdown: string, options: InertOptions = {}): string[] {
  const problems: string[] = [];
  if (/release-guard:state/.test(markdown)) problems.push('a state marker');
  for (const [i, line] of markdown.split('\n').entries()) {
    if (/^\s*```/.test(line)) continue;
    if (line.startsWith('|') && (line.match(/\|/g) ?? []).length !== 4) {
      problems.push(`line ${i + 1}: a table row with other than 3 cells: ${line.slice(0, 80)}`);
    }
  }
  let text = outsideCode(markdown);
  for (const own of options.ownLines ?? []) text = text.split(own).join('');
  for (const tag of options.ownTags ?? []) text = text.split(tag).join('');
  if (/`/.test(text)) problems.push('an unbalanced backtick');
  if (/<[a-z!/?]/i.test(text)) problems.push(`raw HTML: ${text.match(/<[a-z!/?][^>\n]{0,40}/i)?.[0]}`);
  if (/<!--|-->/.test(text)) problems.push('an HTML comment');
  if (/[[\]]/.test(text)) problems.push('link or image brackets');
  if (/&(?!#\d+;)/.test(text)) problems.push('a bare & that could start an entity');
  let decoded = decodeEntities(text);
  for (const own of options.ownReferences ?? []) decoded = decoded.split(own).join('');
  if (/@[a-z0-9]/i.test(decoded)) problems.push(`a live @mention: ${decoded.match(/@[a-z0-9][\w/-]*/i)?.[0]}`);
  if (/#\d/.test(decoded)) problems.push(`a live #reference: ${decoded.match(/#\d+/)?.[0]}`);
  if (/:\/\//.test(decoded)) problems.push('a live URL (://)');
  // A www. autolink needs a domain right after the dot: a zero-width space is none.
  if (/www\.(?!\u200b)/i.test(decoded)) problems.push('a live www. autolink');
  return problems;
}
