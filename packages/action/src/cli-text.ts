/**
 * The job summary as a terminal shows it: the Markdown written for GitHub (`renderSummary`,
 * `renderGateSummary`) as plain text, without the entities that make outside text inert there, the
 * machine's diagram, or Markdown syntax. Every line is then made inert for a runner (`inertLogLine`),
 * since the CLI may run as a step.
 */
import { inertLogLine } from './shared.js';

/** `markdown`, a job summary, as plain text: headings and quotes unmarked, tables aligned, entities decoded. */
export function plainText(markdown: string): string {
  const out: string[] = [];
  let table: string[][] = [];
  const endTable = () => {
    if (table.length > 0) out.push(...aligned(table));
    table = [];
  };
  for (const line of markdown.replace(/<details>[\s\S]*?<\/details>/g, '').split('\n')) {
    if (/^\|.*\|$/.test(line)) {
      if (!/^\|(\s*:?-+:?\s*\|)+$/.test(line)) table.push(line.slice(1, -1).split('|').map(inline));
      continue;
    }
    endTable();
    const alert = /^> \[!(\w+)\]$/.exec(line);
    if (alert) out.push(`${alert[1]}:`);
    else if (line.startsWith('>')) out.push(`  ${inline(line.slice(1))}`);
    else out.push(inline(line.replace(/^#{1,6} /, '')));
  }
  endTable();
  const text = out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return `${text
    .split('\n')
    .map((line) => inertLogLine(line))
    .join('\n')}\n`;
}

/** One line of Markdown as text: code unmarked, a link as `text (url)`, entities decoded. */
function inline(text: string): string {
  return text
    .trim()
    .replace(/`/g, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/\[([^\]]*)\]\(([^)\s]*)\)/g, '$1 ($2)')
    .replace(/&#(\d{1,7});|&#x([0-9a-f]{1,6});/gi, (entity, decimal?: string, hex?: string) => {
      const code = decimal ? Number(decimal) : Number.parseInt(hex ?? '', 16);
      return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/\u200b/g, '');
}

/** Table rows as columns two spaces apart. */
function aligned(rows: readonly string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}
