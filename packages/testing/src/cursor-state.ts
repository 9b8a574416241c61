import {
  type ConfiguredStream,
  compareValues,
  cursorFieldOf,
  fieldsOf,
  type LogicalType,
  type StateMessage,
  valueAt,
} from '@tributary/core';

/** A stream's cursor: its field path and logical type, when the stream has one. */
export interface Cursor {
  field: string[];
  type: LogicalType;
}

/** The cursor of a configured stream, typed from the stream's schema. */
export function cursorOf(stream: ConfiguredStream): Cursor | undefined {
  const field = cursorFieldOf(stream);
  if (!field) return undefined;
  const type = fieldsOf(stream.stream.json_schema).get(field[0]!)?.type ?? 'string';
  return { field, type };
}

/** The greatest cursor value among records, by the cursor's logical type. */
export function maxCursor(
  records: ReadonlyArray<Record<string, unknown>>,
  cursor: Cursor,
): unknown {
  let max: unknown;
  for (const data of records) {
    const value = valueAt(data, cursor.field);
    if (value === undefined || value === null) continue;
    if (max === undefined || compareValues(value, max, cursor.type) > 0) max = value;
  }
  return max;
}

type Path = Array<string | number>;

/**
 * Where in a state the cursor value sits: the paths of every leaf equal to `value` by the
 * cursor's type. The suite cannot know a source's state layout; it finds the cursor by its
 * value, which every source following design.md keeps in its state.
 */
export function cursorPaths(state: unknown, value: unknown, type: LogicalType): Path[] {
  const paths: Path[] = [];
  const visit = (node: unknown, path: Path) => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        visit(item, [...path, i]);
      });
      return;
    }
    if (typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) visit(v, [...path, k]);
      return;
    }
    if (sameKind(node, value) && compareValues(node, value, type) === 0) paths.push(path);
  };
  visit(state, []);
  return paths;
}

function sameKind(a: unknown, b: unknown): boolean {
  const numeric = (v: unknown) =>
    typeof v === 'number' || (typeof v === 'string' && /^-?\d/.test(v));
  return typeof a === typeof b || (numeric(a) && numeric(b));
}

/** The value at a path of a state, or undefined. */
export function atPath(state: unknown, path: Path): unknown {
  let node = state;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

/** A copy of a state with the cursor at each path moved far into the future. */
export function withFutureCursor(state: StateMessage, paths: Path[], type: LogicalType) {
  const copy = structuredClone(state);
  for (const path of paths) {
    const holder = atPath(copy, path.slice(0, -1)) as Record<string | number, unknown>;
    const key = path[path.length - 1]!;
    holder[key] = farFuture(holder[key], type);
  }
  return copy;
}

function farFuture(current: unknown, type: LogicalType): unknown {
  switch (type) {
    case 'integer':
    case 'number':
      return typeof current === 'string' ? '9007199254740000' : 9_007_199_254_740_000;
    case 'big_integer':
    case 'decimal':
      return '9'.repeat(30);
    case 'date':
      return '9999-12-31';
    case 'timestamp':
      return '9999-12-31T23:59:59';
    case 'timestamp_tz':
      return '9999-12-31T23:59:59Z';
    default:
      return '\uffff'.repeat(8);
  }
}
