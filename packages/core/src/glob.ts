/**
 * Globs as the configuration writes them, matched in time linear in the text's length.
 */

type GlobToken =
  | { kind: 'literal'; char: string }
  | { kind: 'star' | 'globstar' | 'one' }
  /** `**` followed by `/` at the start of a segment: a choice between no segment and the next token. */
  | { kind: 'dirs' }
  /** The segments `dirs` chose: any characters, ending with a `/`. */
  | { kind: 'dirsBody' };

/**
 * A glob as an anchored RegExp: `*` matches within one path segment, `**` across segments, `?` one
 * character other than `/`; a whole segment `**` followed by `/` matches zero or more segments, so
 * `**` + `/CHANGELOG.md` matches `CHANGELOG.md` and `docs/CHANGELOG.md`, and `a/**` + `/b` matches `a/b`.
 * Its `test` and `exec` match in time linear in the text's length (a simulation of the glob's
 * automaton), so a hostile branch name or path cannot make a glob with several `*` backtrack for
 * seconds; its `source` is the equivalent regular expression.
 */
export function globToRegExp(glob: string): RegExp {
  const tokens: GlobToken[] = [];
  const chars = [...glob];
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    const segmentStart = i === 0 || chars[i - 1] === '/';
    if (char === '*' && chars[i + 1] === '*' && chars[i + 2] === '/' && segmentStart) {
      tokens.push({ kind: 'dirs' }, { kind: 'dirsBody' });
      source += '(?:[^]*/)?';
      i += 2;
    } else if (char === '*' && chars[i + 1] === '*') {
      tokens.push({ kind: 'globstar' });
      source += '[^]*';
      i++;
    } else if (char === '*') {
      tokens.push({ kind: 'star' });
      source += '[^/]*';
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
      source += '[^/]';
    } else {
      tokens.push({ kind: 'literal', char });
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new GlobRegExp(`^${source}$`, tokens);
}

class GlobRegExp extends RegExp {
  readonly #tokens: readonly GlobToken[];

  constructor(source: string, tokens: readonly GlobToken[]) {
    super(source);
    this.#tokens = tokens;
  }

  override test(text: string): boolean {
    return globMatches(this.#tokens, String(text));
  }

  override exec(text: string): RegExpExecArray | null {
    const input = String(text);
    if (!globMatches(this.#tokens, input)) return null;
    return Object.assign([input], { index: 0, input, groups: undefined }) as RegExpExecArray;
  }

  static override get [Symbol.species]() {
    return RegExp;
  }
}

/** Whether the whole of `text` matches the glob: the set of reachable token positions, one character at a time. */
function globMatches(tokens: readonly GlobToken[], text: string): boolean {
  const end = tokens.length;
  let states: Uint8Array = new Uint8Array(end + 1);
  // The moves that read no character, all forward, so one pass in token order finds every position reached.
  const close = (set: Uint8Array) => {
    for (let i = 0; i < end; i++) {
      if (!set[i]) continue;
      const { kind } = tokens[i] as GlobToken;
      if (kind === 'star' || kind === 'globstar') set[i + 1] = 1;
      else if (kind === 'dirs') {
        set[i + 1] = 1;
        set[i + 2] = 1;
      }
    }
    return set;
  };
  states[0] = 1;
  close(states);
  for (const char of text) {
    const next = new Uint8Array(end + 1);
    let any = false;
    for (let i = 0; i < end; i++) {
      if (!states[i]) continue;
      const token = tokens[i] as GlobToken;
      if (token.kind === 'globstar' || (token.kind === 'star' && char !== '/')) next[i] = 1;
      else if ((token.kind === 'one' && char !== '/') || (token.kind === 'literal' && token.char === char))
        next[i + 1] = 1;
      else if (token.kind === 'dirsBody') {
        next[i] = 1;
        if (char === '/') next[i + 1] = 1;
      }
      any ||= next[i] === 1 || next[i + 1] === 1;
    }
    if (!any) return false;
    states = close(next);
  }
  return states[end] === 1;
}
