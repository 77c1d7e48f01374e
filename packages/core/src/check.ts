import type { InputIssue } from './errors.js';

/**
 * A tiny structural checker shared by config, event and snapshot validation. It collects every issue
 * with its path instead of stopping at the first, so an error message can list all fixes at once.
 */
export class Checker {
  readonly issues: InputIssue[] = [];

  fail(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  record(value: unknown, path: string): value is Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
    this.fail(path, `expected an object, got ${kindOf(value)}`);
    return false;
  }

  string(
    value: unknown,
    path: string,
    options: { max?: number; pattern?: RegExp; hint?: string } = {},
  ): value is string {
    if (typeof value !== 'string' || value.length === 0) {
      this.fail(path, `expected a non-empty string, got ${kindOf(value)}`);
      return false;
    }
    if (options.max !== undefined && value.length > options.max) {
      this.fail(path, `expected at most ${options.max} characters, got ${value.length}`);
      return false;
    }
    if (options.pattern && !options.pattern.test(value)) {
      this.fail(path, `expected ${options.hint ?? `a string matching ${options.pattern}`}, got ${quote(value)}`);
      return false;
    }
    return true;
  }

  optionalString(value: unknown, path: string, options: { max?: number } = {}): boolean {
    return value === undefined || this.string(value, path, options);
  }

  boolean(value: unknown, path: string): value is boolean {
    if (typeof value === 'boolean') return true;
    this.fail(path, `expected true or false, got ${kindOf(value)}`);
    return false;
  }

  integer(value: unknown, path: string, min = 0): value is number {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return true;
    this.fail(path, `expected an integer of at least ${min}, got ${kindOf(value)}`);
    return false;
  }

  /** A GitHub id: a non-negative integer or a non-empty string of at most `max` characters. */
  id(value: unknown, path: string, max = 64): value is string | number {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return true;
    if (typeof value === 'string' && value.length > 0 && value.length <= max) return true;
    this.fail(
      path,
      `expected an id (a non-negative integer or a string of 1 to ${max} characters), got ${kindOf(value)}`,
    );
    return false;
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): value is T {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return true;
    this.fail(path, `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${kindOf(value)}`);
    return false;
  }

  array(value: unknown, path: string, max = Number.POSITIVE_INFINITY): value is unknown[] {
    if (!Array.isArray(value)) {
      this.fail(path, `expected an array, got ${kindOf(value)}`);
      return false;
    }
    if (value.length > max) {
      this.fail(path, `expected at most ${max} entries, got ${value.length}`);
      return false;
    }
    return true;
  }

  onlyKeys(value: Record<string, unknown>, path: string, allowed: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) this.fail(join(path, key), `unknown field (expected one of: ${allowed.join(', ')})`);
    }
  }

  get ok(): boolean {
    return this.issues.length === 0;
  }
}

export function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length === 0 ? 'an empty string' : `the string ${quote(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (value === undefined) return 'nothing';
  return `a value of type ${typeof value}`;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}
