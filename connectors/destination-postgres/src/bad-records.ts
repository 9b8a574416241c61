import { BadRecordError, type TraceReject } from '@tributary/core';

interface PgError {
  code?: string;
  message?: string;
  column?: string;
  where?: string;
}

/**
 * SQLSTATE classes that blame the data of a row: data exceptions (22), integrity
 * constraints (23) and errors raised by a trigger or function (P0). Anything else (a lost
 * connection, a deadlock, a full disk) is not the record's fault and fails the run.
 */
const RECORD_FAULT_CLASSES = new Set(['22', '23', 'P0']);

/** True when Postgres refused a row because of its data. */
export function isRecordFault(error: unknown): boolean {
  const code = (error as PgError | undefined)?.code;
  return typeof code === 'string' && RECORD_FAULT_CLASSES.has(code.slice(0, 2));
}

/** The column Postgres blames, from the error itself or from COPY's `column x:` context. */
export function blamedColumn(error: unknown): string | undefined {
  const err = error as PgError;
  if (err.column) return err.column;
  return /column ([^:]+):/.exec(err.where ?? '')?.[1];
}

/** A refused record, told as BadRecordError: stream, column (when known) and record key. */
export function refusedRecord(stream: string, recordKey: string, error: unknown): BadRecordError {
  const column = blamedColumn(error);
  const reason = (error as PgError).message ?? String(error);
  const where = column ? `, column '${column}'` : '';
  return new BadRecordError(
    `stream '${stream}'${where}: record ${recordKey || '(no key)'} refused by PostgreSQL: ${reason}`,
    { stream, recordKey, ...(column ? { column } : {}), sqlState: (error as PgError).code },
  );
}

/** The REJECT body for a record left out under on_bad_record skip or reject. */
export function rejectOf(
  descriptor: { name: string; namespace?: string },
  data: Record<string, unknown>,
  error: BadRecordError,
): TraceReject {
  const body: TraceReject = {
    stream_descriptor: descriptor,
    reason: error.message,
    code: error.code,
    record: data,
  };
  if (error.context.recordKey) body.record_key = error.context.recordKey;
  if (error.context.column) body.field = error.context.column;
  return body;
}
