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

/** Glob syntax of other tools (paths filters, minimatch, `.gitignore`) that `globToRegExp` does not have. */
export type ForeignGlobSyntax = 'brace expansion' | 'a character class' | 'a negation' | 'an inline comment';

const FOREIGN_SYNTAX: readonly [RegExp, ForeignGlobSyntax][] = [
  [/[{}]/, 'brace expansion'],
  [/[[\]]/, 'a character class'],
  [/^!/, 'a negation'],
  [/ #/, 'an inline comment'],
];

/**
 * The first piece of another tool's glob syntax in `glob`: `{a,b}`, `[abc]`, a leading `!` or a ` #`
 * comment. `globToRegExp` would read it as literal characters, so the glob would match nothing its
 * author meant; callers refuse it instead.
 */
export function foreignGlobSyntax(
  glob: string,
): { syntax: ForeignGlobSyntax; text: string; index: number } | undefined {
  let first: { syntax: ForeignGlobSyntax; text: string; index: number } | undefined;
  for (const [pattern, syntax] of FOREIGN_SYNTAX) {
    const found = pattern.exec(glob);
    if (found && (first === undefined || found.index < first.index))
      first = { syntax, text: found[0], index: found.index };
  }
  return first;
}

/** The token kinds as the automaton reads them, one byte each. */
const KIND = { literal: 0, star: 1, globstar: 2, one: 3, dirs: 4, dirsBody: 5 } as const;
const SLASH = 0x2f;

/** A glob's tokens as flat arrays: the kind of each, and the code point of each literal. */
interface Automaton {
  kinds: Uint8Array;
  chars: Int32Array;
}

class GlobRegExp extends RegExp {
  readonly #automaton: Automaton;
  /** The literal characters before the first wildcard and after the last one (the whole glob when it has none). */
  readonly #prefix: string;
  readonly #suffix: string;
  /** The longest run of literal characters, which any match holds somewhere. */
  readonly #needed: string;
  readonly #literal: boolean;

  constructor(source: string, tokens: readonly GlobToken[]) {
    super(source);
    this.#automaton = {
      kinds: Uint8Array.from(tokens, (token) => KIND[token.kind]),
      chars: Int32Array.from(tokens, (token) => (token.kind === 'literal' ? (token.char.codePointAt(0) ?? -1) : -1)),
    };
    this.#literal = tokens.every((token) => token.kind === 'literal');
    let prefix = '';
    for (const token of tokens) {
      if (token.kind !== 'literal') break;
      prefix += token.char;
    }
    let suffix = '';
    for (let i = tokens.length - 1; i >= 0; i--) {
      const token = tokens[i] as GlobToken;
      if (token.kind !== 'literal') break;
      suffix = token.char + suffix;
    }
    this.#prefix = prefix;
    this.#suffix = suffix;
    let needed = '';
    let run = '';
    for (const token of tokens) {
      run = token.kind === 'literal' ? run + token.char : '';
      if (run.length > needed.length) needed = run;
    }
    this.#needed = needed;
  }

  override test(text: string): boolean {
    return this.#matches(String(text));
  }

  override exec(text: string): RegExpExecArray | null {
    const input = String(text);
    if (!this.#matches(input)) return null;
    return Object.assign([input], { index: 0, input, groups: undefined }) as RegExpExecArray;
  }

  /**
   * The automaton, after what any match needs and costs little to check: the glob's literal start and
   * end, and its longest literal run (a protected path is matched against thousands of changed files,
   * most of which fail there).
   */
  #matches(text: string): boolean {
    if (this.#literal) return text === this.#prefix;
    if (text.length < this.#prefix.length + this.#suffix.length) return false;
    if (!text.startsWith(this.#prefix) || !text.endsWith(this.#suffix) || !text.includes(this.#needed)) return false;
    return globMatches(this.#automaton, text);
  }

  static override get [Symbol.species]() {
    return RegExp;
  }
}

/** Whether the whole of `text` matches the glob: the set of reachable token positions, one code point at a time. */
function globMatches({ kinds, chars }: Automaton, text: string): boolean {
  const end = kinds.length;
  let states = new Uint8Array(end + 1);
  let next = new Uint8Array(end + 1);
  // The moves that read no character, all forward, so one pass in token order finds every position reached.
  const close = (set: Uint8Array) => {
    for (let i = 0; i < end; i++) {
      if (!set[i]) continue;
      const kind = kinds[i];
      if (kind === KIND.star || kind === KIND.globstar) set[i + 1] = 1;
      else if (kind === KIND.dirs) {
        set[i + 1] = 1;
        set[i + 2] = 1;
      }
    }
  };
  states[0] = 1;
  close(states);
  for (let at = 0; at < text.length; ) {
    const char = text.codePointAt(at) as number;
    at += char > 0xffff ? 2 : 1;
    next.fill(0);
    let any = false;
    for (let i = 0; i < end; i++) {
      if (!states[i]) continue;
      const kind = kinds[i];
      if (kind === KIND.globstar || (kind === KIND.star && char !== SLASH)) next[i] = 1;
      else if ((kind === KIND.one && char !== SLASH) || (kind === KIND.literal && chars[i] === char)) next[i + 1] = 1;
      else if (kind === KIND.dirsBody) {
        next[i] = 1;
        if (char === SLASH) next[i + 1] = 1;
      } else continue;
      any = true;
    }
    if (!any) return false;
    close(next);
    [states, next] = [next, states];
  }
  return states[end] === 1;
}
