import type { NpmRegistries } from './types.js';

/**
 * The registries and tokens of `.npmrc` text: `registry=<url>`, `@scope:registry=<url>` and
 * `//host/path/:_authToken=<token>` lines; comments (`#`, `;`), blank lines and every other setting are
 * ignored. Values are taken as written: `${VAR}` is not expanded (put the secret itself in, e.g. from
 * `${{ secrets.NPM_TOKEN }}` in a workflow). Throws an `Error` naming the line of a registry that is not an
 * http(s) URL (never echoing a token).
 *
 * @example
 * parseNpmrc('@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=ghp_…');
 * // { scopes: { '@acme': 'https://npm.pkg.github.com/' }, tokens: { 'npm.pkg.github.com': 'ghp_…' } }
 */
export function parseNpmrc(text: string): NpmRegistries {
  const result: NpmRegistries = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const equals = line.indexOf('=');
    if (equals === -1) return;
    const key = line.slice(0, equals).trim();
    const value = unquote(line.slice(equals + 1).trim());
    const token = /^\/\/(.+?)\/?:_authToken$/.exec(key)?.[1];
    if (token !== undefined) {
      result.tokens = { ...result.tokens, [token.replace(/\/+$/, '')]: value };
      return;
    }
    const scope = /^(@[^:/\s]+):registry$/.exec(key)?.[1];
    if (scope === undefined && key !== 'registry') return;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw new Error(`.npmrc line ${index + 1}: ${key} must be an http(s) URL`);
    }
    const url = new URL(value).href;
    if (scope === undefined) result.registry = url;
    else result.scopes = { ...result.scopes, [scope]: url };
  });
  return result;
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
