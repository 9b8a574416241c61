import {
  BadRecordError,
  DestinationError,
  type Message,
  type RecordMessage,
  type StreamDescriptor,
  trace,
} from '@tributary/core';
import Database from 'better-sqlite3';

/**
 * SQLite result codes that blame one row rather than the database: a constraint or a
 * trigger (RAISE) refusing it, a value too big, a datatype mismatch. Anything else (a full
 * disk, a lock held too long) is the destination's failure and stops the run.
 */
/** An error thrown by better-sqlite3, with SQLite's extended result code. */
export type SqliteFailure = InstanceType<typeof Database.SqliteError>;

const RECORD_FAULTS = /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/;

/** True when a SQLite error refuses a row, not the database as a whole. */
export function isRecordFault(error: unknown): error is SqliteFailure {
  return error instanceof Database.SqliteError && RECORD_FAULTS.test(error.code);
}

/** A SQLite failure that is not a record's fault, naming the database file. */
export function destinationFailure(error: unknown, path: string, table: string): Error {
  if (!(error instanceof Database.SqliteError)) return error as Error;
  return new DestinationError(
    `SQLite database '${path}', table '${table}': ${error.message}`,
    { path, table, sqliteCode: error.code },
    { cause: error },
  );
}

/** What is known about a refused record, for the error or the reject. */
export interface Refusal {
  stream: StreamDescriptor;
  table: string;
  record: RecordMessage;
  recordKey: string;
  /** Why: SQLite's own message, or the destination's. */
  message: string;
  cause?: unknown;
  /** Maps a column name back to its field, when SQLite's message names a column. */
  fieldOf: (column: string) => string | undefined;
}

/** `NOT NULL constraint failed: items.name` names a column; a trigger's message does not. */
function columnNamed(message: string, table: string): string | undefined {
  const m = /constraint failed: (.+)$/.exec(message);
  if (!m) return undefined;
  const first = m[1]!.split(',')[0]!.trim();
  return first.startsWith(`${table}.`) ? first.slice(table.length + 1) : undefined;
}

function describe(r: Refusal): { reason: string; column: string | undefined } {
  const column = columnNamed(r.message, r.table);
  const who = r.recordKey ? `record ${r.recordKey}` : 'a record';
  const where = column ? `column '${column}' of table '${r.table}'` : `table '${r.table}'`;
  return {
    reason: `stream '${r.stream.name}': ${who} refused by ${where}: ${r.message}`,
    column,
  };
}

/** The error of `on_bad_record: fail`: stream, column (when known) and record key. */
export function badRecordError(r: Refusal): BadRecordError {
  const { reason, column } = describe(r);
  const context: Record<string, unknown> = { stream: r.stream.name, table: r.table };
  if (r.recordKey) context.recordKey = r.recordKey;
  if (column) {
    context.column = column;
    const field = r.fieldOf(column);
    if (field) context.field = field;
  }
  return new BadRecordError(reason, context, { cause: r.cause });
}

/** The TRACE REJECT of `on_bad_record: skip | reject`: the record and the reason. */
export function rejectTrace(r: Refusal): Message {
  const { reason, column } = describe(r);
  const field = column ? r.fieldOf(column) : undefined;
  return trace({
    type: 'REJECT',
    reject: {
      stream_descriptor: r.stream,
      reason,
      code: 'bad_record',
      record: r.record.data,
      ...(r.recordKey ? { record_key: r.recordKey } : {}),
      ...(field ? { field } : {}),
    },
  });
}
