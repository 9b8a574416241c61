import { createHash } from 'node:crypto';
import {
  asText,
  coerceCursor,
  compareValues,
  type FieldPath,
  INTEGER_TEXT,
  type LogicalType,
  NUMBER_TEXT,
  recordKey,
  valueAt,
} from '@tributary/core';
import { isDate, timestampKind } from './fast-time.js';

/** Longest cursor value quoted in a bad record's reason. */
const MAX_VALUE_CHARS = 100;

/** What a file stream keeps between runs. */
export interface FileStreamState {
  /** The greatest cursor value sent, in its logical type (numbers as numbers). */
  cursor: unknown;
  /** Keys (or record hashes) of the records already sent at exactly `cursor`. */
  keys_at_cursor?: string[];
}

/**
 * What an incremental read does with a record: send it, leave it out as sent by an earlier
 * run, or report it as bad because it has no cursor value to place it by.
 */
export type CursorVerdict = 'send' | 'sent_before' | 'no_cursor' | 'bad_cursor';

type Family = 'numeric' | 'instant' | 'other';

const FAMILY: Record<LogicalType, Family> = {
  integer: 'numeric',
  big_integer: 'numeric',
  decimal: 'numeric',
  number: 'numeric',
  date: 'instant',
  timestamp: 'instant',
  timestamp_tz: 'instant',
  boolean: 'other',
  string: 'other',
  time: 'other',
  bytes: 'other',
  object: 'other',
  array: 'other',
  json: 'other',
};

function isTimestampText(value: unknown): value is string {
  return typeof value === 'string' && (timestampKind(value) !== undefined || isDate(value));
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && NUMBER_TEXT.test(value);
}

/**
 * The type a cursor compares in. A typed column's cursor has the column's type. A column read
 * as string (often because a later value widened it: `n/a` among numbers, timestamps with and
 * without offset) takes the type of its saved cursor, or on a first run of the first cursor
 * value: numbers and numeric texts compare as numbers, timestamps as instants. So a type once
 * chosen is the type of every later run, whatever the sampled column type becomes.
 */
function cursorType(column: LogicalType, value: unknown): LogicalType {
  if (column !== 'string') return column;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  if (typeof value !== 'string') return column;
  if (isTimestampText(value)) {
    if (isDate(value)) return 'date';
    return timestampKind(value) === 'tz' ? 'timestamp_tz' : 'timestamp';
  }
  if (INTEGER_TEXT.test(value)) return 'integer';
  return NUMBER_TEXT.test(value) ? 'decimal' : column;
}

/**
 * Decides which records an incremental read sends and what its state says. A file is read
 * whole every run, so records at or below the saved cursor are dropped, except those at the
 * cursor that were not sent yet (ties split across runs are neither lost nor resent).
 * A checkpoint is only safe while the cursor has never gone backwards: after that, a later
 * record could be below the checkpoint and would be lost on resume.
 */
export class CursorTracker {
  /** The type cursors compare in; undefined until the first value of a first run decides. */
  private type: LogicalType | undefined;
  private family: Family = 'other';
  private readonly from: unknown;
  private readonly sentAtFrom: ReadonlySet<string>;
  private readonly allSentAtFrom: boolean;
  private max: unknown;
  private keysAtMax: Set<string>;
  /** False once a record's cursor was below an earlier one's. */
  safe = true;

  constructor(
    private readonly field: FieldPath,
    private readonly columnType: LogicalType,
    private readonly primaryKey: readonly FieldPath[],
    saved: unknown,
  ) {
    const state = (saved ?? {}) as Partial<FileStreamState>;
    const cursor = state.cursor ?? null;
    if (cursor !== null || columnType !== 'string') this.decide(cursor);
    this.from = this.type ? coerceCursor(cursor, this.type) : cursor;
    // A state without keys (an older one, or one written by hand) covers every record at its
    // cursor: only greater values are sent.
    this.allSentAtFrom = !Array.isArray(state.keys_at_cursor);
    this.sentAtFrom = new Set(this.allSentAtFrom ? [] : state.keys_at_cursor);
    this.max = this.from;
    this.keysAtMax = new Set(this.sentAtFrom);
  }

  /** What to do with a record; a record sent counts towards the state. */
  accept(data: Record<string, unknown>): CursorVerdict {
    const nested = valueAt(data, this.field);
    // Without a cursor value a record cannot be placed: no run could tell whether it was
    // sent before, and leaving it out would lose it silently. The reader reports it as bad.
    if (nested === null || nested === undefined || nested === '') return 'no_cursor';
    if (!this.type) this.decide(nested);
    // A value that cannot be read in the cursor's type cannot be placed either; compared as
    // text it could pass every later value and they would be dropped as sent.
    if (
      this.family === 'numeric'
        ? !isNumeric(nested)
        : this.family === 'instant' && !isTimestampText(nested)
    ) {
      return 'bad_cursor';
    }
    if (this.from !== null && this.from !== undefined) {
      const vsFrom = compareValues(nested, this.from, this.type!);
      if (vsFrom < 0) return 'sent_before';
      if (vsFrom === 0 && (this.allSentAtFrom || this.sentAtFrom.has(this.keyOf(data)))) {
        return 'sent_before';
      }
    }
    this.track(nested, data);
    return 'send';
  }

  /** The cursor field as a dotted path, for messages. */
  get fieldName(): string {
    return this.field.join('.');
  }

  /** Why a record got `bad_cursor`: its cursor value and the type it does not read as. */
  badCursorReason(data: Record<string, unknown>): string {
    const text = asText(valueAt(data, this.field));
    const shown = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
    const kind = this.family === 'numeric' ? 'a number' : 'a date or timestamp';
    return (
      `cursor field '${this.fieldName}' has value ${JSON.stringify(shown)}, not ${kind} ` +
      `like the stream's cursor (${this.type}), so the record cannot be placed`
    );
  }

  private decide(value: unknown): void {
    this.type = cursorType(this.columnType, value);
    this.family = FAMILY[this.type];
  }

  private track(value: unknown, data: Record<string, unknown>): void {
    const order =
      this.max === null || this.max === undefined ? 1 : compareValues(value, this.max, this.type!);
    if (order > 0) {
      // The state keeps the cursor's type: a numeric text from a widened column is a number.
      this.max = this.family === 'numeric' ? coerceCursor(value, this.type!) : value;
      this.keysAtMax = new Set([this.keyOf(data)]);
    } else if (order === 0) {
      this.keysAtMax.add(this.keyOf(data));
    } else {
      this.safe = false;
    }
  }

  /** The state covering every record accepted so far. */
  state(): FileStreamState {
    const cursor = this.max === undefined ? null : this.max;
    if (cursor === null) return { cursor: null };
    return { cursor, keys_at_cursor: [...this.keysAtMax] };
  }

  private keyOf(data: Record<string, unknown>): string {
    if (this.primaryKey.length > 0) return recordKey(data, this.primaryKey);
    return createHash('sha256').update(JSON.stringify(data)).digest('base64url');
  }
}
