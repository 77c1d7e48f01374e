import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One hand-written hostile case: a file of `corpus/<boundary>/`, with a one-line description. */
export interface CorpusCase {
  file: string;
  description: string;
  [field: string]: unknown;
}

const ROOT = fileURLToPath(new URL('./hostile-corpus/', import.meta.url));

/** The cases of one boundary, in file order. Values are kept as written: call `expand` on them. */
export function loadCorpus(boundary: 'events' | 'config' | 'snapshots' | 'reconcile' | 'markdown'): CorpusCase[] {
  const dir = `${ROOT}${boundary}/`;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file: `${boundary}/${file}`, ...(JSON.parse(readFileSync(dir + file, 'utf8')) as object) }))
    .map((entry) => entry as CorpusCase);
}

/**
 * Turns the corpus's stand-ins for what JSON cannot hold, or should not hold in a file, into values:
 * - `{ "$repeat": s, "times": n }`: `s` repeated `n` times (megabyte strings);
 * - `{ "$number": "NaN" | "Infinity" | "-Infinity" | "-0" | digits }`: that number;
 * - `{ "$nest": n, "leaf": v }`: `v` wrapped in `n` objects `{ "a": ... }` (built without recursion);
 * - `{ "$list": n, "item": v }`: an array of `n` copies of `v`;
 * - `{ "$record": n, "value": v, "keyLength"?: k }`: an object of `n` keys (of `k` characters when given).
 * Objects are rebuilt with their own keys kept as own keys, `__proto__` included.
 */
export function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if ('$repeat' in record) return String(record.$repeat).repeat(Number(record.times));
  if ('$number' in record) return Number(record.$number);
  if ('$nest' in record) {
    let nested = expand(record.leaf);
    for (let i = 0; i < Number(record.$nest); i++) nested = { a: nested };
    return nested;
  }
  if ('$list' in record) return Array.from({ length: Number(record.$list) }, () => expand(record.item));
  if ('$record' in record) {
    const length = record.keyLength === undefined ? undefined : Number(record.keyLength);
    return Object.fromEntries(
      Array.from({ length: Number(record.$record) }, (_, i) => [
        length === undefined ? `key${i}` : String(i).padEnd(length, 'k'),
        expand(record.value),
      ]),
    );
  }
  return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, expand(entry)]));
}

/** Raw text from pieces (strings and `$repeat`s), for text no JSON value can round-trip. */
export function textOf(pieces: unknown): string {
  return (Array.isArray(pieces) ? pieces : [pieces]).map((piece) => String(expand(piece))).join('');
}

/** The object holding the last segment of `path`, if every segment before it leads to an object. */
function parentOf(document: Record<string, unknown>, path: string): [Record<string, unknown>, string] | undefined {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target: unknown = document;
  for (const key of keys) {
    if (typeof target !== 'object' || target === null) return undefined;
    target = (target as Record<string, unknown>)[key];
  }
  return typeof target === 'object' && target !== null ? [target as Record<string, unknown>, last] : undefined;
}

/**
 * Sets `path` (dotted, numeric segments index arrays) in a plain JSON document, as an own property.
 * Returns false, changing nothing, when the path does not lead to an object.
 */
export function setPath(document: Record<string, unknown>, path: string, value: unknown): boolean {
  const found = parentOf(document, path);
  if (!found) return false;
  Object.defineProperty(found[0], found[1], { value, enumerable: true, writable: true, configurable: true });
  return true;
}

export function deletePath(document: Record<string, unknown>, path: string): boolean {
  const found = parentOf(document, path);
  if (!found) return false;
  delete found[0][found[1]];
  return true;
}

/** Freezes `value` and everything reachable from it, so that any write to it throws. */
export function deepFreeze<T>(value: T): T {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    Object.freeze(next);
    stack.push(...Object.values(next));
  }
  return value;
}

/** Strings longer than `min` anywhere in `value` (at most `limit` of them), to check they are not echoed. */
export function longStrings(value: unknown, min = 100, limit = 20): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  let visited = 0;
  while (stack.length > 0 && found.length < limit && visited < 10_000) {
    const next = stack.pop();
    visited++;
    if (typeof next === 'string' && next.length > min) found.push(next);
    else if (typeof next === 'object' && next !== null) stack.push(...Object.keys(next), ...Object.values(next));
  }
  return found;
}
