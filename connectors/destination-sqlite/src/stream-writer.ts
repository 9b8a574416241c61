import {
  type BadRecordPolicy,
  ConfigError,
  type ConfiguredStream,
  cursorFieldOf,
  DELETED_FIELD,
  type DeletePolicy,
  type FieldType,
  fieldsOf,
  formatInstantUtc,
  type Logger,
  type LogicalType,
  type Message,
  normalizeTimestampUtc,
  observedType,
  primaryKeyOf,
  type RecordMessage,
  recordKey,
  type SchemaPolicy,
  type StreamDescriptor,
  streamOptions,
  widen,
} from '@tributary/core';
import { badRecordError, destinationFailure, isRecordFault, rejectTrace } from './bad-records.js';
import { dropColumns, moveColumns } from './column-store.js';
import { beginWrite, type Db, lockedError } from './database.js';
import { ensureKeyIndex } from './key-index.js';
import { frozenSchemaError, newColumnType, schemaChangeTrace } from './schema-changes.js';
import { quoteId } from './sql.js';
import { Statements, type WritePlan } from './statements.js';
import { type Column, TableSchema } from './table.js';
import { NO_FIT, type SqlValue } from './values.js';

/** Where an overwrite loads its rows until the run ends well and the table is swapped in. */
export const stagingTableOf = (table: string): string => `_tributary_tmp_${table}`;

const TEMPORAL = new Set<LogicalType>(['date', 'timestamp', 'timestamp_tz']);

/** What a stream writer needs from the run around it. */
export interface WriterContext {
  db: Db;
  path: string;
  identifierCollision: 'rename' | 'fail';
  rowsPerStatement: number;
  /** How long a write waits for another connection's lock (ms), named when it gives up. */
  busyTimeoutMs: number;
  /** Where TRACE messages wait until the transaction holding their change commits. */
  traces: Message[];
  logger: Logger;
}

/**
 * Writes one stream's records into its table. Rows are encoded straight into a reused
 * parameter array and written a full statement at a time into the run's open transaction;
 * the caller commits that transaction with the STATE that covers them. Memory stays at one
 * statement's worth of rows whatever the input size.
 */
export class StreamWriter {
  readonly descriptor: StreamDescriptor;
  readonly mode: ConfiguredStream['destination_sync_mode'];
  /** The table users see; an overwrite writes to its staging table until `finish`. */
  readonly table: string;
  readonly schema: TableSchema;
  readonly #ctx: WriterContext;
  readonly #statements: Statements;
  readonly #plan: WritePlan;
  readonly #primaryKey: string[][];
  readonly #declared: Map<string, FieldType>;
  readonly #syncId: number | null;
  readonly #deletePolicy: DeletePolicy;
  readonly #schemaPolicy: SchemaPolicy;
  readonly #onBadRecord: BadRecordPolicy;
  #chunk: SqlValue[] = [];
  #records: RecordMessage[] = [];
  #rows = 0;
  #perStatement = 1;
  #width = 0;
  #lastEmittedAt = Number.NaN;
  #lastExtractedAt = '';
  #keyIndexReady = false;
  #keylessDeletionTold = false;

  constructor(ctx: WriterContext, stream: ConfiguredStream) {
    this.#ctx = ctx;
    const { name, namespace } = stream.stream;
    this.descriptor = namespace === undefined ? { name } : { name, namespace };
    this.mode = stream.destination_sync_mode;
    this.table = stream.destination_table ?? name;
    this.#primaryKey = primaryKeyOf(stream);
    this.#plan = planOf(stream, this.#primaryKey);
    this.#declared = fieldsOf(stream.stream.json_schema);
    this.#syncId = stream.sync_id ?? null;
    const options = streamOptions(stream);
    this.#deletePolicy = options.deletePolicy;
    this.#schemaPolicy = options.schemaPolicy;
    this.#onBadRecord = options.onBadRecord;

    if (this.mode === 'overwrite') {
      const staging = stagingTableOf(this.table);
      ctx.db.exec(`DROP TABLE IF EXISTS ${quoteId(staging)}`);
      this.schema = TableSchema.open(ctx.db, staging, this.#declared, ctx.identifierCollision, {
        fresh: true,
        namesFrom: this.table,
      });
    } else {
      this.schema = TableSchema.open(ctx.db, this.table, this.#declared, ctx.identifierCollision);
    }
    this.#statements = new Statements(this.schema, this.#plan, ctx.rowsPerStatement);
    this.#resize();
  }

  /** Takes one record: a row to write, or a deletion marker to apply. */
  accept(record: RecordMessage): void {
    const data = record.data;
    if (data[DELETED_FIELD] === true) {
      this.#applyDeletion(record);
      return;
    }
    for (const field in data) {
      if (field === DELETED_FIELD || this.schema.column(field) !== undefined) continue;
      const value = data[field];
      if (value !== null && value !== undefined) this.#addField(field, value, record);
    }
    this.#encode(record);
  }

  /** Writes the rows still held into the open transaction. */
  flush(): void {
    const rows = this.#rows;
    if (rows === 0) return;
    this.#rows = 0;
    const params =
      rows === this.#perStatement ? this.#chunk : this.#chunk.slice(0, rows * this.#width);
    this.#write(params, rows);
  }

  /**
   * After a failed run: an overwrite's staging table and its column map go, so no half-loaded
   * copy lingers in the file until the next run. The old table was never touched.
   */
  discard(): void {
    if (this.mode !== 'overwrite') return;
    this.#ctx.db.exec(`DROP TABLE IF EXISTS ${quoteId(this.schema.table)}`);
    dropColumns(this.#ctx.db, this.schema.table);
  }

  /** At the normal end of the input: an overwrite swaps its new table in, in the open transaction. */
  finish(): void {
    this.flush();
    if (this.mode !== 'overwrite') return;
    this.#begin();
    const db = this.#ctx.db;
    db.exec(`DROP TABLE IF EXISTS ${quoteId(this.table)}`);
    db.exec(`ALTER TABLE ${quoteId(this.schema.table)} RENAME TO ${quoteId(this.table)}`);
    moveColumns(db, this.schema.table, this.table);
  }

  #encode(record: RecordMessage): void {
    const columns = this.schema.columns;
    const data = record.data;
    const chunk = this.#chunk;
    const base = this.#rows * this.#width;
    const count = columns.length;
    for (let i = 0; i < count; i++) {
      const column = columns[i]!;
      const value = data[column.field];
      if (value === null || value === undefined) {
        chunk[base + i] = null;
        continue;
      }
      const encoded = column.encode(value);
      if (encoded === NO_FIT) {
        if (this.#changeType(column, value, record)) this.#encode(record);
        return;
      }
      chunk[base + i] = encoded;
    }
    chunk[base + count] = this.#extractedAt(record.emitted_at);
    chunk[base + count + 1] = this.#syncId;
    chunk[base + count + 2] = null;
    this.#records[this.#rows] = record;
    if (++this.#rows === this.#perStatement) this.flush();
  }

  /** Widens a column for a value (or refuses it); false when the record was left out. */
  #changeType(column: Column, value: unknown, record: RecordMessage): boolean {
    const to = widen(column.type, observedType(value, column.type));
    if (to === column.type) {
      // No wider type holds it (a non-finite number for a decimal): the record's fault.
      const message = `value ${JSON.stringify(value)} does not fit column type ${to}`;
      this.#refuse(record, `${message} (column ${column.name})`);
      return false;
    }
    if (this.#schemaPolicy === 'freeze') {
      throw frozenSchemaError({
        stream: this.descriptor.name,
        field: column.field,
        column: column.name,
        from: column.type,
        to: observedType(value, column.type),
        recordKey: recordKey(record.data, this.#primaryKey),
        value,
      });
    }
    this.flush();
    this.#begin();
    const from = column.type;
    this.schema.widen(column, to);
    this.#resize();
    this.#ctx.traces.push(schemaChangeTrace(this.descriptor, column.field, column.name, from, to));
    return true;
  }

  #addField(field: string, value: unknown, record: RecordMessage): void {
    const type = newColumnType(this.#declared.get(field)?.type, value);
    if (this.#schemaPolicy === 'freeze') {
      throw frozenSchemaError({
        stream: this.descriptor.name,
        field,
        column: undefined,
        from: undefined,
        to: type,
        recordKey: recordKey(record.data, this.#primaryKey),
        value,
      });
    }
    this.flush();
    this.#begin();
    const column = this.schema.addColumn(field, type);
    this.#resize();
    this.#ctx.traces.push(schemaChangeTrace(this.descriptor, field, column.name, undefined, type));
  }

  /**
   * A deletion marker: `hard` deletes the rows of its key, `soft` stamps their deleted-at
   * with the marker's cursor instant (its emitted_at without a temporal cursor). Rows whose
   * cursor is greater than the marker's keep their data: an older marker is ignored.
   */
  #applyDeletion(record: RecordMessage): void {
    if (this.#primaryKey.length === 0) {
      this.#tellKeylessDeletion();
      return;
    }
    this.#begin(); // for append_dedup, a missing key column is added here
    if (!this.#statements.hasKeyColumns()) return; // no key, or no row could hold one yet
    this.flush();
    const { keys, cursor } = this.#statements.keyColumns();
    const data = record.data;
    const params: Record<string, SqlValue> = {};
    keys.forEach((column, i) => {
      params[`k${i}`] = encodeOrNull(column, data[column.field]);
    });
    const cursorValue = cursor ? data[cursor.field] : undefined;
    params.cursor = cursor ? encodeOrNull(cursor, cursorValue) : null;
    if (this.#deletePolicy === 'soft') {
      const extractedAt = this.#extractedAt(record.emitted_at);
      const instant =
        cursor && TEMPORAL.has(cursor.type) && typeof cursorValue === 'string'
          ? normalizeTimestampUtc(cursorValue)
          : undefined;
      params.deleted_at = instant ?? extractedAt;
      params.sync_id = this.#syncId;
      params.extracted_at = extractedAt;
    }
    this.#guarded(() => this.#statements.deletion(this.#deletePolicy).run(params), [record]);
  }

  /**
   * Without a primary key no row can be matched to a deletion marker, so the marker changes
   * nothing; the user hears it once a run rather than believing the rows were deleted.
   */
  #tellKeylessDeletion(): void {
    if (this.#keylessDeletionTold) return;
    this.#keylessDeletionTold = true;
    this.#ctx.logger.warn(
      `stream '${this.descriptor.name}': deletion markers (_deleted: true) ignored, the ` +
        'stream has no primary key to find their rows by; set its primary_key to apply them',
      { stream: this.descriptor.name, table: this.table, delete_policy: this.#deletePolicy },
    );
  }

  #write(params: SqlValue[], rows: number): void {
    this.#prepare();
    const records = this.#records;
    const statement = this.#statements.insert(rows);
    if (this.#guarded(() => statement.run(params))) return;
    // Slow path: find the refused rows one at a time, keeping every other row.
    const single = this.#statements.insert(1);
    const width = this.#width;
    for (let i = 0; i < rows; i++) {
      const row = params.slice(i * width, (i + 1) * width);
      this.#guarded(() => single.run(row), [records[i]!]);
    }
  }

  /**
   * Runs one statement inside a savepoint, so a refused statement leaves nothing behind.
   * Without `refused`, returns false on a record's fault for the caller to narrow down; with
   * it, applies `on_bad_record` to that record (fail throws, skip/reject leave it out).
   */
  #guarded(run: () => unknown, refused?: RecordMessage[]): boolean {
    const db = this.#ctx.db;
    this.#begin();
    db.exec('SAVEPOINT tributary_write');
    try {
      run();
      db.exec('RELEASE tributary_write');
      return true;
    } catch (error) {
      db.exec('ROLLBACK TO tributary_write');
      db.exec('RELEASE tributary_write');
      if (!isRecordFault(error)) throw destinationFailure(error, this.#ctx.path, this.table);
      if (!refused) return false;
      this.#refuse(refused[0]!, error.message, error);
      return false;
    }
  }

  #refuse(record: RecordMessage, message: string, cause?: unknown): void {
    const refusal = {
      stream: this.descriptor,
      table: this.schema.table,
      record,
      recordKey: recordKey(record.data, this.#primaryKey),
      message,
      cause,
      fieldOf: (name: string) =>
        this.schema.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.field,
    };
    if (this.#onBadRecord === 'fail') throw badRecordError(refusal);
    this.#ctx.traces.push(rejectTrace(refusal));
  }

  #prepare(): void {
    this.#begin();
    if (this.#plan.dedup && !this.#keyIndexReady) {
      const { keys } = this.#statements.keyColumns();
      ensureKeyIndex(this.#ctx.db, this.schema.table, keys, this.#ctx.path);
      this.#keyIndexReady = true;
    }
  }

  #begin(): void {
    try {
      beginWrite(this.#ctx.db);
    } catch (error) {
      throw lockedError(error, this.#ctx.path, this.#ctx.busyTimeoutMs, this.schema.table);
    }
  }

  #resize(): void {
    this.#width = this.#statements.width;
    this.#perStatement = this.#statements.batchRows;
    this.#chunk = new Array<SqlValue>(this.#perStatement * this.#width).fill(null);
    this.#records = new Array<RecordMessage>(this.#perStatement);
  }

  /** `emitted_at` as UTC text with micros; consecutive records mostly share it. */
  #extractedAt(emittedAt: number): string {
    if (emittedAt !== this.#lastEmittedAt) {
      this.#lastEmittedAt = emittedAt;
      this.#lastExtractedAt = formatInstantUtc(BigInt(Math.round(emittedAt * 1000)) * 1000n);
    }
    return this.#lastExtractedAt;
  }
}

function encodeOrNull(column: Column, value: unknown): SqlValue {
  if (value === null || value === undefined) return null;
  const encoded = column.encode(value);
  return encoded === NO_FIT ? null : encoded;
}

/** The primary key and cursor as top-level fields; SQLite columns hold top-level fields only. */
function planOf(stream: ConfiguredStream, primaryKey: string[][]): WritePlan {
  const name = stream.stream.name;
  const dedup = stream.destination_sync_mode === 'append_dedup';
  const nested = primaryKey.find((path) => path.length !== 1);
  if (nested)
    throw new ConfigError(
      `stream '${name}': primary key field '${nested.join('.')}' is nested; ` +
        'the SQLite destination keys on top-level fields only',
    );
  if (dedup && primaryKey.length === 0)
    throw new ConfigError(`stream '${name}': append_dedup needs a primary key`);
  const cursorPath = cursorFieldOf(stream);
  if (dedup && cursorPath && cursorPath.length !== 1)
    throw new ConfigError(
      `stream '${name}': cursor field '${cursorPath.join('.')}' is nested; ` +
        'append_dedup compares top-level cursor fields only',
    );
  const cursor = cursorPath?.length === 1 ? cursorPath[0] : undefined;
  return { dedup, keys: primaryKey.map((path) => path[0]!), cursor };
}
