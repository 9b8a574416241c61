import { createHash } from 'node:crypto';
import { ConfigError } from './errors.js';

/** What a destination's identifiers allow: a length limit, and whether case is ignored. */
export interface IdentifierRules {
  /** Longest identifier, counted in `unit`s (Postgres: 63 bytes; MySQL: 64 characters). */
  maxLength: number;
  unit: 'bytes' | 'chars';
  /** MySQL compares column names without case: `Email` and `email` would be one column. */
  caseInsensitive: boolean;
}

/** `rename` gives colliding or too-long names a stable hash suffix; `fail` refuses them. */
export type CollisionPolicy = 'rename' | 'fail';

const HASH_LENGTH = 8;

/** A short stable hash of a name: the same name always gives the same suffix. */
export function nameHash(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, HASH_LENGTH);
}

function measure(text: string, unit: IdentifierRules['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : [...text].length;
}

/** The longest prefix of `text` within `limit`, never splitting a character. */
function prefixWithin(text: string, limit: number, unit: IdentifierRules['unit']): string {
  let out = '';
  for (const char of text) {
    if (measure(out + char, unit) > limit) break;
    out += char;
  }
  return out;
}

/**
 * A name cut to the limit with a stable hash of the whole name: `long_prefix_1a2b3c4d`.
 * Two names that share a long prefix still get different results.
 */
export function shortenIdentifier(name: string, rules: IdentifierRules): string {
  if (measure(name, rules.unit) <= rules.maxLength) return name;
  const suffix = `_${nameHash(name)}`;
  return prefixWithin(name, rules.maxLength - suffix.length, rules.unit) + suffix;
}

/**
 * The field-to-column map of one table. Names already given are kept for ever (the map is
 * stored with the table), so a column never changes name between runs; a new field gets
 * its own name, or a hashed one where it would be too long or collide with another.
 */
export class ColumnMap {
  readonly #columns = new Map<string, string>();
  readonly #taken = new Set<string>();
  readonly #rules: IdentifierRules;
  readonly #policy: CollisionPolicy;
  readonly #reserved: Set<string>;

  constructor(
    rules: IdentifierRules,
    policy: CollisionPolicy = 'rename',
    existing: Iterable<[string, string]> = [],
    reserved: Iterable<string> = [],
  ) {
    this.#rules = rules;
    this.#policy = policy;
    this.#reserved = new Set([...reserved].map((r) => this.#fold(r)));
    for (const [field, column] of existing) {
      this.#columns.set(field, column);
      this.#taken.add(this.#fold(column));
    }
  }

  #fold(name: string): string {
    return this.#rules.caseInsensitive ? name.toLowerCase() : name;
  }

  #free(column: string): boolean {
    const key = this.#fold(column);
    return !this.#taken.has(key) && !this.#reserved.has(key);
  }

  /** The column for a field, assigning one if the field is new. */
  columnFor(field: string): string {
    const known = this.#columns.get(field);
    if (known !== undefined) return known;
    const column = this.#assign(field);
    this.#columns.set(field, column);
    this.#taken.add(this.#fold(column));
    return column;
  }

  /** Assigns columns for several new fields at once, so `fail` can name both sides of a clash. */
  assignAll(fields: Iterable<string>): void {
    if (this.#policy === 'fail')
      this.#checkCollisions([...fields].filter((f) => !this.#columns.has(f)));
    for (const field of fields) this.columnFor(field);
  }

  #checkCollisions(fields: string[]): void {
    const byColumn = new Map<string, string[]>();
    for (const [field, column] of this.#columns) byColumn.set(this.#fold(column), [field]);
    for (const field of fields) {
      const cut = this.#fold(prefixWithin(field, this.#rules.maxLength, this.#rules.unit));
      const clash = byColumn.get(cut) ?? [];
      clash.push(field);
      byColumn.set(cut, clash);
    }
    const clashes = [...byColumn.values()].filter((group) => group.length > 1);
    if (clashes.length > 0) {
      const named = clashes.map((group) => group.map((f) => `'${f}'`).join(' and ')).join('; ');
      throw new ConfigError(
        `fields collide as column names (identifier_collision: fail): ${named}`,
      );
    }
  }

  #assign(field: string): string {
    const fits = measure(field, this.#rules.unit) <= this.#rules.maxLength;
    if (this.#policy === 'fail') {
      const cut = prefixWithin(field, this.#rules.maxLength, this.#rules.unit);
      if (!this.#free(cut)) {
        const other = [...this.#columns].find(([, c]) => this.#fold(c) === this.#fold(cut))?.[0];
        throw new ConfigError(
          `field '${field}' collides with '${other ?? cut}' as column '${cut}' (identifier_collision: fail)`,
        );
      }
      return cut;
    }
    const first = fits ? field : shortenIdentifier(field, this.#rules);
    if (this.#free(first)) return first;
    const suffix = `_${nameHash(field)}`;
    let candidate =
      prefixWithin(field, this.#rules.maxLength - suffix.length, this.#rules.unit) + suffix;
    for (let n = 2; !this.#free(candidate); n++) {
      const more = `_${nameHash(`${field}#${n}`)}`;
      candidate = prefixWithin(field, this.#rules.maxLength - more.length, this.#rules.unit) + more;
    }
    return candidate;
  }

  /** Every field and its column, in the order they were assigned. */
  entries(): [string, string][] {
    return [...this.#columns];
  }
}
