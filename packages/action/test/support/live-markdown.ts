/**
 * Raw HTML, links, mentions, references and autolinks in Markdown, outside code and the renderer's own
 * text: what hostile text must never become in a summary or a comment. Empty when the Markdown is inert.
 */
export function liveMarkdown(
  markdown: string,
  own: { tags?: string[]; lines?: string[]; references?: string[] } = {},
): string[] {
  const problems: string[] = [];
  let fenced = false;
  const kept: string[] = [];
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced) {
      if (line.startsWith('|') && (line.match(/\|/g) ?? []).length !== 4) problems.push(`a broken table row: ${line}`);
      kept.push(line.replace(/`[^`\n]*`/g, ''));
    }
  }
  let text = kept.join('\n');
  for (const ownText of [...(own.lines ?? []), ...(own.tags ?? [])]) text = text.split(ownText).join('');
  if (/release-guard:state/.test(markdown)) problems.push('a state marker');
  if (/`/.test(text)) problems.push('an unbalanced backtick');
  if (/<[a-z!/?]/i.test(text)) problems.push(`raw HTML: ${text.match(/<[a-z!/?][^>\n]{0,40}/i)?.[0]}`);
  if (/[[\]]/.test(text)) problems.push('link or image brackets');
  if (/&(?!#\d+;)/.test(text)) problems.push('a bare &');
  let decoded = text.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
  for (const reference of own.references ?? []) decoded = decoded.split(reference).join('');
  if (/@[a-z0-9]/i.test(decoded)) problems.push('a live @mention');
  if (/#\d/.test(decoded)) problems.push('a live #reference');
  if (/:\/\/|www\.(?!\u200b)/i.test(decoded)) problems.push('a live URL');
  return problems;
}
