/**
 * Globs as the configuration writes them, matched in time linear in the text's length.
 */

type GlobToken = { kind: 'literal'; char: string } | { kind: 'star' | 'globstar' | 'one' };

/**
 * A branch glob as an anchored RegExp: `*` matches within one path segment, `**` across segments, `?`
 * one character other than `/`. Its `test` and `exec` match in time linear in the branch name's length
 * (a simulation of the glob's automaton), so a hostile branch name cannot make a glob with several `*`
 * backtrack for seconds; its `source` is the equivalent regular expression.
 */
export function globToRegExp(glob: string): RegExp {
  const tokens: GlobToken[] = [];
  const chars = [...glob];
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    if (char === '*' && chars[i + 1] === '*') {
      tokens.push({ kind: 'globstar' });
      source += '.*';
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
  const close = (set: Uint8Array) => {
    for (let i = 0; i < end; i++) {
      const token = tokens[i] as GlobToken;
      if (set[i] && (token.kind === 'star' || token.kind === 'globstar')) set[i + 1] = 1;
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
      any ||= next[i] === 1 || next[i + 1] === 1;
    }
    if (!any) return false;
    states = close(next);
  }
  return states[end] === 1;
}
