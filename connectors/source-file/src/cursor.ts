import { createHash } from 'node:crypto';
import {
  coerceCursor,
  compareValues,
  type FieldPath,
  type LogicalType,
  recordKey,
  valueAt,
} from '@tributary/core';

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
export type CursorVerdict = 'send' | 'sent_before' | 'no_cursor';

/**
 * Decides which records an incremental read sends and what its state says. A file is read
 * whole every run, so records at or below the saved cursor are dropped, except those at the
 * cursor that were not sent yet (ties split across runs are neither lost nor resent).
 * A checkpoint is only safe while the cursor has never gone backwards: after that, a later
 * record could be below the checkpoint and would be lost on resume.
 */
export class CursorTracker {
  private readonly from: unknown;
  private readonly sentAtFrom: ReadonlySet<string>;
  private readonly allSentAtFrom: boolean;
  private max: unknown;
  private keysAtMax: Set<string>;
  /** False once a record's cursor was below an earlier one's. */
  safe = true;

  constructor(
    private readonly field: FieldPath,
    private readonly type: LogicalType,
    private readonly primaryKey: readonly FieldPath[],
    saved: unknown,
  ) {
    const state = (saved ?? {}) as Partial<FileStreamState>;
    this.from = coerceCursor(state.cursor ?? null, type);
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
    if (this.from !== null && this.from !== undefined) {
      const vsFrom = compareValues(nested, this.from, this.type);
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

  private track(value: unknown, data: Record<string, unknown>): void {
    if (this.max === null || this.max === undefined) {
      this.max = value;
      this.keysAtMax = new Set([this.keyOf(data)]);
      return;
    }
    const order = compareValues(value, this.max, this.type);
    if (order > 0) {
      this.max = value;
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
