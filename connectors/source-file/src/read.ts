import {
  BadRecordError,
  ConfigError,
  type ConfiguredStream,
  type ConnectorContext,
  cursorFieldOf,
  DELETED_FIELD,
  fieldsOf,
  type LogicalType,
  type Message,
  primaryKeyOf,
  record,
  state,
  streamOptions,
  streamState,
  throwIfAborted,
  trace,
  valueAt,
} from '@tributary/core';
import type { RowProblem } from './batch.js';
import { type Column, DeclaredTypeMismatch, StreamColumns } from './columns.js';
import type { FileStreamConfig } from './config.js';
import { MISMATCH } from './convert.js';
import { CursorTracker } from './cursor.js';
import { inferFieldTypes } from './infer.js';
import { type OpenedFile, openFile } from './open.js';

/** Longest raw text kept in a reject: enough to find the row, not a whole file. */
const MAX_RAW_CHARS = 4096;

export interface StreamPlan {
  config: FileStreamConfig;
  configured: ConfiguredStream;
  files: string[];
  savedState: unknown;
}

/**
 * Reads one stream: its files in order, each row converted to its logical types, STATE
 * every `checkpoint_interval` records where safe and once at the end. Messages come in
 * arrays, one per parsed chunk: a per-record async step would cost more than the parsing.
 * When a record fails, the messages before it are yielded first, then the error is thrown.
 */
export async function* readStream(
  plan: StreamPlan,
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  const { config, configured, files } = plan;
  const name = config.name;
  const types = await fieldTypes(plan, ctx);
  const nulls = new Set(config.null_values ?? []);
  const declared = config.column_types ?? {};
  const text = new StreamColumns(name, true, nulls, ctx.logger, types, 'string', declared);
  const json = new StreamColumns(name, false, nulls, ctx.logger, types, undefined, declared);
  const tracker = trackerOf(configured, types, plan.savedState);
  const onBadRecord = streamOptions(configured).onBadRecord;
  const keyCheck = keyCheckOf(configured);
  const interval = config.checkpoint_interval;
  const checkpoint = () => state(streamState(name, tracker ? tracker.state() : {}));
  let sinceCheckpoint = 0;

  for (const file of files) {
    throwIfAborted(ctx.signal);
    const opened = await openFile(config, file, ctx.logger);
    if (!opened) continue;
    const csvColumns = opened.kind === 'csv' ? opened.columns.map((c) => text.get(c)) : [];
    try {
      for await (const batch of opened.batches) {
        throwIfAborted(ctx.signal);
        const emittedAt = Date.now();
        const problems = batch.problems;
        const out: Message[] = [];
        let p = 0;
        try {
          for (let i = 0; i < batch.rows.length; i++) {
            const line = batch.lines[i]!;
            let data: Record<string, unknown> | undefined;
            let problem: RowProblem | undefined;
            if (problems && problems[p]?.index === i) problem = problems[p++];
            else {
              try {
                if (opened.kind === 'csv') {
                  const row = batch.rows[i] as string[];
                  if (row.length === csvColumns.length)
                    data = csvRecord(row, csvColumns, text, file, line);
                  else if (row.length === 1 && row[0] === '')
                    continue; // a blank line
                  else problem = fieldCountProblem(i, row.length, opened.columns);
                } else {
                  data = jsonRecord(batch.rows[i] as Record<string, unknown>, json, file, line);
                }
              } catch (error) {
                if (!(error instanceof DeclaredTypeMismatch)) throw error;
                problem = declaredTypeProblem(i, error);
              }
            }
            if (!problem && keyCheck) problem = keyCheck(i, data!);
            const verdict = !problem && tracker ? tracker.accept(data!) : 'send';
            if (verdict === 'sent_before') continue;
            if (verdict === 'no_cursor') problem = noCursorProblem(i, tracker!.fieldName);
            if (verdict === 'bad_cursor') {
              const reason = tracker!.badCursorReason(data!);
              problem = { index: i, code: 'bad_cursor', reason, column: tracker!.fieldName };
            }
            if (problem) {
              if (problem.position && !problem.column && opened.kind === 'csv') {
                const at = problem.position;
                problem.column = opened.columns[at - 1] ?? `column_${at}`;
              }
              const raw = rawText(opened, batch.rows[i], batch.rawOf?.(i));
              out.push(badRecord(name, file, line, problem, raw, onBadRecord));
              continue;
            }
            out.push(record(name, data!, emittedAt));
            if (++sinceCheckpoint >= interval && (!tracker || tracker.safe)) {
              sinceCheckpoint = 0;
              out.push(checkpoint());
            }
          }
        } catch (error) {
          if (out.length > 0) yield out;
          throw error;
        }
        if (out.length > 0) yield out;
      }
    } finally {
      await opened.batches.return(undefined);
    }
  }
  yield [checkpoint()];
}

function csvRecord(
  row: string[],
  columns: Column[],
  stream: StreamColumns,
  file: string,
  line: number,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (let j = 0; j < columns.length; j++) {
    const column = columns[j]!;
    const cell = row[j];
    let value = column.convert(cell);
    if (value === MISMATCH) value = stream.misfit(column, cell, file, line);
    data[column.name] = value;
  }
  return data;
}

function jsonRecord(
  row: Record<string, unknown>,
  stream: StreamColumns,
  file: string,
  line: number,
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key in row) {
    const raw = row[key];
    const column = stream.get(key, raw);
    let value = column.convert(raw);
    if (value === MISMATCH) value = stream.misfit(column, raw, file, line);
    data[key] = value;
  }
  return data;
}

async function fieldTypes(plan: StreamPlan, ctx: ConnectorContext) {
  const declared = fieldsOf(plan.configured.stream.json_schema);
  if (declared.size > 0) {
    const types = new Map<string, LogicalType>();
    for (const [field, t] of declared) types.set(field, t.type);
    return types;
  }
  // A catalog without properties (written by hand): infer as discover would.
  return inferFieldTypes(plan.config, plan.files, ctx.logger);
}

function trackerOf(
  configured: ConfiguredStream,
  types: ReadonlyMap<string, LogicalType>,
  saved: unknown,
): CursorTracker | undefined {
  if (configured.sync_mode !== 'incremental') return undefined;
  const field = cursorFieldOf(configured);
  const name = configured.stream.name;
  if (!field) {
    throw new ConfigError(
      `stream '${name}': incremental sync needs a cursor field (cursor_field)`,
      [],
      { stream: name },
    );
  }
  const type = types.get(field[0]!) ?? 'string';
  return new CursorTracker(field, type, primaryKeyOf(configured), saved);
}

/**
 * For an append_dedup stream, a check that each record carries its primary key, so a
 * record without one is reported here, where its file and line are known, rather than by
 * the engine. Records marked deleted are exempt, as in the engine.
 */
function keyCheckOf(
  configured: ConfiguredStream,
): ((index: number, data: Record<string, unknown>) => RowProblem | undefined) | undefined {
  const key = primaryKeyOf(configured);
  if (configured.destination_sync_mode !== 'append_dedup' || key.length === 0) return undefined;
  return (index, data) => {
    if (data[DELETED_FIELD] === true) return undefined;
    for (const path of key) {
      const value = valueAt(data, path);
      if (value === undefined || value === null || value === '') {
        const field = path.join('.');
        return {
          index,
          code: 'missing_primary_key',
          reason: `record has no value for primary key field '${field}'`,
          column: field,
        };
      }
    }
    return undefined;
  };
}

function fieldCountProblem(index: number, found: number, columns: string[]): RowProblem {
  const expected = columns.length;
  const column = found > expected ? `column_${expected + 1}` : columns[found]!;
  return {
    index,
    code: 'field_count',
    reason: `expected ${expected} fields, found ${found}`,
    column,
  };
}

function noCursorProblem(index: number, field: string): RowProblem {
  return {
    index,
    code: 'missing_cursor',
    reason: `record has no value for cursor field '${field}' (an incremental stream needs one)`,
    column: field,
  };
}

function declaredTypeProblem(index: number, mismatch: DeclaredTypeMismatch): RowProblem {
  return { index, code: 'declared_type', reason: mismatch.message, column: mismatch.column };
}

function rawText(opened: OpenedFile, row: unknown, asRead: string | undefined): string {
  let raw: string;
  if (asRead !== undefined) raw = asRead;
  else if (opened.kind === 'csv') raw = (row as string[]).join(opened.delimiter);
  else raw = String((row as { _raw?: unknown } | undefined)?._raw ?? JSON.stringify(row));
  return raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw;
}

function badRecord(
  stream: string,
  file: string,
  line: number,
  problem: RowProblem,
  raw: string,
  policy: 'fail' | 'skip' | 'reject',
): Message {
  const position = problem.position ? ` (position ${problem.position})` : '';
  const where = problem.column ? `, column '${problem.column}'${position}` : '';
  const reason = `stream '${stream}', file '${file}' line ${line}${where}: ${problem.reason}`;
  if (policy === 'fail') {
    const context = {
      stream,
      file,
      line,
      ...(problem.column ? { column: problem.column, field: problem.column } : {}),
      ...(problem.position ? { position: problem.position } : {}),
    };
    throw new BadRecordError(reason, context);
  }
  return trace({
    type: 'REJECT',
    reject: {
      stream_descriptor: { name: stream },
      reason,
      code: 'bad_record',
      raw,
      file,
      line,
      ...(problem.column ? { field: problem.column } : {}),
    },
  });
}
