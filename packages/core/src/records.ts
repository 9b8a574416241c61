import { BadRecordError } from './errors.js';
import type { FieldPath } from './messages/catalog.js';

/** The value at a field path of a record, or undefined where any step is missing. */
export function valueAt(data: Record<string, unknown>, path: FieldPath): unknown {
  let current: unknown = data;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** A readable key for a record, for errors and rejects: `id=3` or `shop=a, id=3`. */
export function recordKey(data: Record<string, unknown>, primaryKey: readonly FieldPath[]): string {
  if (primaryKey.length === 0) return '';
  return primaryKey
    .map((path) => {
      const value = valueAt(data, path);
      return `${path.join('.')}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    })
    .join(', ');
}

/** Throws a BadRecordError naming the stream and the field when a key part is absent or null. */
export function assertPrimaryKey(
  stream: string,
  data: Record<string, unknown>,
  primaryKey: readonly FieldPath[],
): void {
  for (const path of primaryKey) {
    const value = valueAt(data, path);
    if (value === undefined || value === null || value === '') {
      const field = path.join('.');
      throw new BadRecordError(
        `stream '${stream}': record has no value for primary key field '${field}'`,
        {
          stream,
          field,
        },
      );
    }
  }
}
