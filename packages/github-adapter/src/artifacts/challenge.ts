/** One challenge of a `WWW-Authenticate` header: its scheme in lowercase and its parameters (names in lowercase). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
const QUOTED = /^"((?:[^"\\]|\\.)*)"/;

/**
 * Parses a `WWW-Authenticate` header (RFC 9110 §11.6.1) into its challenges, e.g.
 * `Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:weaveworks/wego-app:pull"` or
 * `Basic realm="registry"`. Several challenges may share one header (fetch joins repeated headers with `, `).
 * Parsing stops at the first thing that is not a challenge; what was parsed before is kept.
 *
 * @example
 * parseChallenges('Basic realm="registry"'); // [{ scheme: 'basic', params: { realm: 'registry' } }]
 */
export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header.trim();
  while (rest !== '') {
    const scheme = TOKEN.exec(rest)?.[0];
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    rest = rest.slice(scheme.length).trimStart();
    // auth-params: name=value or name="quoted value", separated by commas, until a token not followed by "=".
    for (;;) {
      const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(rest);
      if (!param) break;
      rest = rest.slice(param[0].length);
      const quoted = QUOTED.exec(rest);
      const value = quoted ? quoted[1]!.replace(/\\(.)/g, '$1') : (TOKEN.exec(rest)?.[0] ?? '');
      rest = rest.slice(quoted ? quoted[0].length : value.length).trimStart();
      challenge.params[param[1]!.toLowerCase()] = value;
      if (!rest.startsWith(',')) break;
      rest = rest.slice(1).trimStart();
    }
    while (rest.startsWith(',')) rest = rest.slice(1).trimStart();
  }
  return challenges;
}
