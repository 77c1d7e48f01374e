import { parse } from 'yaml';

/** A fenced `yaml` block of a Markdown document, parsed. */
export interface YamlBlock {
  /** The path its first line names in a comment (`# .github/workflows/release.yaml`), if it names one. */
  file?: string;
  text: string;
  document: unknown;
}

/** Every fenced `yaml` block of `markdown`, in order. */
export function yamlBlocks(markdown: string): YamlBlock[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(([, text = '']) => {
    const named = /^# (\S+\.ya?ml)\s*$/m.exec(text.split('\n')[0] ?? '');
    return { ...(named?.[1] ? { file: named[1] } : {}), text, document: parse(text) as unknown };
  });
}
