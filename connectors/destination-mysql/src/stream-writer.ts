import {
  BadRecordError,
  type BadRecordPolicy,
  type ConfiguredStream,
  cursorFieldOf,
  type DestinationSyncMode,
  fieldsOf,
  isDeletion,
  type Logger,
  type LogicalType,
  METADATA_COLUMNS,
  type Message,
  parseTimestamp,
  primaryKeyOf,
  type RecordMessage,
  recordKey,
  shortenIdentifier,
  streamKey,
  streamOptions,
  trace,
  valueAt,
} from '@tributary/core';
import type { Connection } from 'mysql2/promise';
import type { MysqlConfig } from './config.js';
import { compareStoredCursor } from './cursor-order.js';
import { datetimeUtc, emittedAtText } from './encode.js';
import { type Loader, LoadWarningsError } from './loader.js';
import { createStage, mergeStage } from './merge.js';
import { RowBatch } from './row-batch.js';
import { columnInError, driverCode, quoteId } from './sql.js';
import { MYSQL_IDENTIFIERS, TableSchema } from './table-schema.js';

/** A record checked against the table and held until its batch is applied. */
interface Pending {
  values: (string | null)[];
  extractedAt: string;
  /** DATETIME(6) text of the deletion for a marker, else null. */
  deletedAt: string | null;
  /** The cursor as stored: the text sent for its column (null when absent). */
  cursor: string | null;
  key: string;
  /** The record, or (for a row decoded from a RowBatch that kept none) its key text. */
  data: Record<string, unknown> | undefined;
  recordKey?: string | undefined;
}

/**
 * Records taken from a writer for one apply: live rows of append/overwrite as RowBatches
 * (their LOAD DATA text), markers and append_dedup records as Pending.
 */
export type Taken = Array<Pending | RowBatch>;

const BAD_RECORD_CODES = new Set([
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_DATA_TOO_LONG',
  'ER_TRUNCATED_WRONG_VALUE',
  'WARN_DATA_TRUNCATED',
  'ER_BAD_NULL_ERROR',
  'ER_DUP_ENTRY',
  'ER_SIGNAL_EXCEPTION',
  'ER_CONSTRAINT_FAILED',
  'ER_DIVISION_BY_ZERO',
]);

/** True for a driver error that blames the row rather than the server or the connection. */
function blamesRow(error: unknown): boolean {
  if (error instanceof LoadWarningsError) return true;
  const code = driverCode(error);
  const state = (error as { sqlState?: string }).sqlState ?? '';
  return (
    (code !== undefined && BAD_RECORD_CODES.has(code)) ||
    state.startsWith('22') ||
    state.startsWith('23') ||
    state === '45000'
  );
}

/**
 * Everything one stream does in a run: shape its table, check and hold its records, and
 * apply them inside the caller's transaction by its sync mode. Overwrite loads into a fresh
 * table that `finish` swaps in with one atomic RENAME TABLE.
 */
export class StreamWriter {
  readonly name: string;
  readonly key: string;
  readonly mode: DestinationSyncMode;
  readonly schema: TableSchema;
  readonly finalTable: string;
  readonly out: Message[] = [];
  #pending: Taken = [];
  #count = 0;
  /** The RowBatch live append/overwrite rows go into; sealed by a marker or a schema change. */
  #rows: RowBatch | undefined;
  #stageReady = false;
  readonly #keyFields: string[];
  readonly #keyPaths: string[][];
  readonly #cursorField: string | undefined;
  readonly #cursorType: LogicalType;
  readonly #onBad: BadRecordPolicy;
  readonly #deletePolicy: 'hard' | 'soft';
  readonly #syncId: string | null;
  readonly #stage: string;
  /** A record's key text, for errors and rejects only (not computed per record). */
  readonly #keyOf = (data: Record<string, unknown>) => recordKey(data, this.#keyPaths);

  constructor(
    private readonly conn: Connection,
    private readonly loader: Loader,
    readonly configured: ConfiguredStream,
    config: MysqlConfig,
    logger: Logger,
    collation: string,
  ) {
    const stream = configured.stream;
    this.name = stream.name;
    this.key = streamKey(stream);
    this.mode = configured.destination_sync_mode;
    const options = streamOptions(configured);
    this.#onBad = options.onBadRecord;
    this.#deletePolicy = options.deletePolicy;
    this.#keyFields = primaryKeyOf(configured).map((path) => path.join('.'));
    this.#keyPaths = this.#keyFields.map((f) => [f]);
    const cursor = cursorFieldOf(configured);
    this.#cursorField = cursor && cursor.length === 1 ? cursor[0] : undefined;
    const fields = fieldsOf(stream.json_schema);
    this.#cursorType = (this.#cursorField && fields.get(this.#cursorField)?.type) || 'string';
    this.#syncId = configured.sync_id === undefined ? null : String(configured.sync_id);
    this.finalTable = shortenIdentifier(
      config.table_prefix + (configured.destination_table ?? stream.name),
      MYSQL_IDENTIFIERS,
    );
    const overwrite = this.mode === 'overwrite';
    const table = overwrite ? tempName('tmp', this.finalTable) : this.finalTable;
    this.#stage = tempName('stage', this.finalTable);
    this.schema = new TableSchema(conn, {
      stream: stream.name,
      table,
      mapName: this.finalTable,
      fields,
      keyFields: this.#keyFields,
      primaryKey: this.mode === 'append_dedup' && this.#keyFields.length > 0,
      policy: options.schemaPolicy,
      collision: config.identifier_collision,
      deferMapWrites: overwrite,
      collation,
      onDdl: (sql) => logger.debug('ddl', { component: 'destination-mysql', sql }),
    });
  }

  /** Reads the table; an overwrite starts from an empty fresh table. */
  async start(): Promise<void> {
    if (this.mode === 'overwrite') {
      await this.conn.query(`DROP TABLE IF EXISTS ${quoteId(this.schema.options.table)}`);
    }
    await this.schema.load();
  }

  get pendingCount(): number {
    return this.#count;
  }

  /** LOAD DATA text held in the batch rows are being added to. */
  get pendingBytes(): number {
    return this.#rows?.bytes ?? 0;
  }

  /**
   * Checks a record against the table and holds it. Returns undefined when that was done
   * at once (the common case: no await per record), else the promise of the general path,
   * which makes the DDL changes the record needs first.
   */
  add(record: RecordMessage, onDdl: () => Promise<void>): Promise<void> | undefined {
    if (!this.schema.exists) return this.#addWithChanges(record, onDdl);
    const data = record.data;
    try {
      const check = this.schema.check(data, this.#keyOf);
      if (check.kind !== 'row') return this.#addWithChanges(record, onDdl);
      this.#hold(record, check.values);
    } catch (error) {
      if (!(error instanceof BadRecordError) || this.#onBad === 'fail') throw error;
      this.#reject(data, this.#keyOf(data), error.message, error.context.column);
    }
    return undefined;
  }

  /**
   * Checks a record against the table, making the DDL changes it needs first, then holds
   * it. `onDdl` runs before each change (MySQL commits any open transaction on DDL).
   */
  async #addWithChanges(record: RecordMessage, onDdl: () => Promise<void>): Promise<void> {
    const data = record.data;
    try {
      if (!this.schema.exists) {
        await onDdl();
        await this.schema.create(data);
      }
      for (;;) {
        const check = this.schema.check(data, this.#keyOf);
        if (check.kind === 'row') {
          this.#hold(record, check.values);
          break;
        }
        await onDdl();
        await check.apply();
        this.#stageReady = false;
        this.#rows = undefined; // rows after a change are encoded for the new columns
      }
    } catch (error) {
      if (!(error instanceof BadRecordError) || this.#onBad === 'fail') throw error;
      this.#reject(data, this.#keyOf(data), error.message, error.context.column);
    } finally {
      for (const change of this.schema.changes.splice(0)) {
        this.out.push(trace({ type: 'SCHEMA_CHANGE', schema_change: change }));
      }
    }
  }

  #hold(record: RecordMessage, values: (string | null)[]): void {
    const data = record.data;
    const deleted = isDeletion(data);
    if (deleted && this.#keyFields.length === 0) return; // nothing identifies the row
    const cursor = this.#cursorField === undefined ? undefined : data[this.#cursorField];
    let deletedAt: string | null = null;
    if (deleted) {
      const parsed = typeof cursor === 'string' ? parseTimestamp(cursor) : undefined;
      deletedAt = parsed ? datetimeUtc(parsed.epochNanos) : emittedAtText(record.emitted_at);
    }
    const extractedAt = emittedAtText(record.emitted_at);
    this.#count++;
    if (!deleted && this.mode !== 'append_dedup') {
      let rows = this.#rows;
      if (!rows) {
        const columns = this.schema.columns;
        const textual = columns.map((c) => !PLAIN_TYPES.has(c.type));
        const keep = this.#onBad !== 'fail';
        rows = new RowBatch(columns.length, textual, this.#syncId, this.#keyFields, keep);
        this.#rows = rows;
        this.#pending.push(rows);
      }
      rows.add(record, values, extractedAt);
      return;
    }
    this.#rows = undefined; // a marker keeps its place between the rows around it
    const cursorColumn = this.#cursorField && this.schema.columnOf(this.#cursorField);
    const stored = cursorColumn ? (values[cursorColumn.index] ?? null) : null;
    const row = values.slice(); // `values` is the schema's array, reused by the next check
    row.push(extractedAt, this.#syncId, deletedAt);
    this.#pending.push({
      values: row,
      extractedAt,
      deletedAt,
      cursor: stored,
      key: this.#dedupKey(data),
      data,
    });
  }

  /** The key records are deduplicated by; only append_dedup needs it. */
  #dedupKey(data: Record<string, unknown>): string {
    if (this.mode !== 'append_dedup') return '';
    return this.#keyFields.map((f) => JSON.stringify(valueAt(data, [f]) ?? null)).join('\u0000');
  }

  #reject(data: Record<string, unknown>, key: string, reason: string, column?: unknown): void {
    if (this.#onBad === 'skip' || this.#onBad === 'reject') {
      const reject: Parameters<typeof trace>[0]['reject'] = {
        stream_descriptor: { name: this.name },
        reason,
        code: 'bad_record',
        record: data,
        record_key: key,
      };
      if (typeof column === 'string' && reject) reject.field = column;
      this.out.push(trace({ type: 'REJECT', reject }));
    }
  }

  /** Creates the table of a stream that got no record (an empty stream still has a table). */
  async ensureTable(): Promise<void> {
    if (!this.schema.exists) await this.schema.create();
  }

  /**
   * Applies the held records inside the caller's open transaction. When the batch fails
   * because of a row, it is retried row by row under savepoints to find the culprits:
   * `fail` throws BadRecordError naming stream, column and record key; skip and reject
   * leave the row out and keep the rest, and `batch` is left holding the rows that went in.
   *
   * `behind`, when given, is called once the batch's last statement is queued on the
   * connection (an append/overwrite LOAD DATA), so the caller can queue its own right
   * behind it. Resolves true when those stand: everything the batch did came before them
   * and nothing was undone. Otherwise (not called, a fallback, a row-by-row retry that
   * rolled them back) the caller does them again.
   */
  async apply(batch: Taken = this.take(), behind?: () => void): Promise<boolean> {
    if (batch.length === 0) return false;
    // Queued with the load behind it (no wait for its reply): one round trip less per batch.
    const savepoint = this.conn.query('SAVEPOINT tributary_batch');
    savepoint.catch(() => undefined); // awaited below
    try {
      let stands = false;
      if (this.mode === 'append_dedup') {
        await this.#write(dedupe(batch as Pending[], this.#storedCursorType()));
      } else {
        stands = await this.#writeTaken(batch, behind);
      }
      await savepoint;
      return stands;
    } catch (error) {
      await savepoint;
      if (!blamesRow(error)) throw error;
      await this.conn.query('ROLLBACK TO SAVEPOINT tributary_batch');
    }
    const rows =
      this.mode === 'append_dedup'
        ? dedupe(batch as Pending[], this.#storedCursorType())
        : this.#expand(batch);
    const kept: Pending[] = [];
    for (const row of rows) {
      await this.conn.query('SAVEPOINT tributary_row');
      try {
        await this.#write([row], true);
        kept.push(row);
      } catch (error) {
        if (!blamesRow(error)) throw error;
        await this.conn.query('ROLLBACK TO SAVEPOINT tributary_row');
        this.#refused(row, error);
      }
    }
    // The batch keeps only what went in: applied again (see restore), it refuses nothing twice.
    batch.length = 0;
    for (const row of kept) batch.push(row);
    return false; // the rollback undid what the caller queued behind the batch
  }

  /**
   * Puts an applied batch back in front of the held records, for a rollback that took it out
   * of the table again (write.ts rolls back before DDL); it is applied with the next batch.
   */
  restore(batch: Taken): void {
    this.#pending = [...batch, ...this.#pending];
    for (const item of batch) this.#count += item instanceof RowBatch ? item.rows : 1;
  }

  /** The logical type the cursor column holds now (a widening may have changed it). */
  #storedCursorType(): LogicalType {
    const column = this.#cursorField && this.schema.columnOf(this.#cursorField);
    return column ? column.type : this.#cursorType;
  }

  /** The held records, taken out for one apply (synchronously, so none added later go in). */
  take(): Taken {
    const taken = this.#pending;
    this.#pending = [];
    this.#rows = undefined;
    this.#count = 0;
    return taken;
  }

  /**
   * Append and overwrite: each RowBatch by one LOAD DATA, markers where they stand. Calls
   * `behind` right after queuing the last LOAD DATA; true when that load went through as sent.
   */
  async #writeTaken(batch: Taken, behind?: () => void): Promise<boolean> {
    const table = this.schema.options.table;
    for (let i = 0; i < batch.length; i++) {
      const item = batch[i]!;
      if (!(item instanceof RowBatch)) {
        await this.#write([item]);
        continue;
      }
      const names = [
        ...this.schema.columns.slice(0, item.width).map((c) => c.column),
        METADATA_COLUMNS.extractedAt,
        METADATA_COLUMNS.syncId,
        METADATA_COLUMNS.deletedAt,
      ];
      const load = this.loader.loadText(table, names, item.chunks(), item.rows, () =>
        this.#write(this.#expand([item])),
      );
      const pipelined = i === batch.length - 1 && behind && this.loader.using === 'load_data';
      if (pipelined) behind();
      const method = await load;
      if (pipelined) return method === 'load_data';
    }
    return false;
  }

  /** The records of a batch as rows of values again, for INSERT (a retry, or no LOCAL). */
  #expand(batch: Taken): Pending[] {
    const out: Pending[] = [];
    for (const item of batch) {
      if (!(item instanceof RowBatch)) {
        out.push(item);
        continue;
      }
      const rows = item.decode();
      for (let i = 0; i < rows.length; i++) {
        const values = rows[i]!;
        const data = item.records?.[i]?.data;
        const keys = item.keyValues(i);
        out.push({
          values,
          extractedAt: values[values.length - 3] ?? '',
          deletedAt: null,
          cursor: null,
          key: '',
          data,
          recordKey: data ? undefined : keyText(item.keyFields, keys),
        });
      }
    }
    return out;
  }

  #refused(row: Pending, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const column = columnInError(message);
    const field = column
      ? this.schema.columns.find((c) => c.column.toLowerCase() === column.toLowerCase())?.field
      : undefined;
    const where = column ? ` column '${column}'` : '';
    const key = row.data ? recordKey(row.data, this.#keyPaths) : (row.recordKey ?? '');
    const reason =
      `stream '${this.name}': table '${this.finalTable}'${where} refused record ` +
      `${key}: ${message}`;
    if (this.#onBad === 'fail') {
      throw new BadRecordError(reason, {
        stream: this.name,
        recordKey: key,
        ...(column ? { column } : {}),
        ...(field ? { field } : {}),
      });
    }
    this.#reject(row.data ?? {}, key, reason, column);
  }

  async #write(rows: Pending[], single = false): Promise<void> {
    const columns = this.schema.columns;
    const names = [
      ...columns.map((c) => c.column),
      METADATA_COLUMNS.extractedAt,
      METADATA_COLUMNS.syncId,
      METADATA_COLUMNS.deletedAt,
    ];
    const width = columns.length;
    const textual = [...columns.map((c) => !PLAIN_TYPES.has(c.type)), false, false, false];
    // #hold put the metadata after the data values; a column added since shifts it.
    const toRow = (p: Pending) => {
      if (p.values.length === width + 3) return p.values;
      const data = padded(p.values.slice(0, p.values.length - 3), width);
      data.push(p.extractedAt, this.#syncId, p.deletedAt);
      p.values = data;
      return data;
    };
    const load = (table: string, list: Pending[]) =>
      single
        ? this.loader.insert(table, names, list.map(toRow))
        : this.loader.load(table, names, list.map(toRow), textual);

    if (this.mode !== 'append_dedup' || this.#keyFields.length === 0) {
      await this.#writeInOrder(rows, (list) => load(this.schema.options.table, list));
      return;
    }
    if (!this.#stageReady) {
      await createStage(this.conn, this.#stage, this.schema.options.table);
      this.#stageReady = true;
    }
    await load(this.#stage, rows);
    const keyColumns = this.#keyFields.map((f) => this.schema.columnOf(f)!.column);
    await mergeStage(this.conn, {
      target: this.schema.options.table,
      stage: this.#stage,
      keyColumns,
      dataColumns: columns.map((c) => c.column).filter((c) => !keyColumns.includes(c)),
      cursorColumn: this.#cursorField ? this.schema.columnOf(this.#cursorField)?.column : undefined,
      deletePolicy: this.#deletePolicy,
    });
  }

  /** Append and overwrite: rows in order, each deletion marker applied where it stands. */
  async #writeInOrder(rows: Pending[], load: (list: Pending[]) => Promise<void>): Promise<void> {
    let run: Pending[] = [];
    for (const row of rows) {
      if (row.deletedAt === null) {
        run.push(row);
        continue;
      }
      await load(run);
      run = [];
      await this.#applyMarker(row);
    }
    await load(run);
  }

  async #applyMarker(row: Pending): Promise<void> {
    const table = quoteId(this.schema.options.table);
    const where = this.#keyFields
      .map((f) => `${quoteId(this.schema.columnOf(f)!.column)} = ?`)
      .join(' AND ');
    const params = this.#keyFields.map((f) => row.values[this.schema.columnOf(f)!.index] ?? null);
    if (this.#deletePolicy === 'hard') {
      await this.conn.query(`DELETE FROM ${table} WHERE ${where}`, params);
    } else {
      await this.conn.query(
        `UPDATE ${table} SET ${quoteId(METADATA_COLUMNS.deletedAt)} = ? WHERE ${where}`,
        [row.deletedAt, ...params],
      );
    }
  }

  /** Overwrite: swaps the fresh table in, atomically, and records its column map. */
  async finish(): Promise<void> {
    await this.ensureTable();
    if (this.mode !== 'overwrite') return;
    const fresh = quoteId(this.schema.options.table);
    const final = quoteId(this.finalTable);
    const old = quoteId(tempName('old', this.finalTable));
    await this.conn.query(`DROP TABLE IF EXISTS ${old}`);
    const [rows] = await this.conn.query(
      `SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?`,
      [this.finalTable],
    );
    if ((rows as unknown[]).length > 0) {
      await this.conn.query(`RENAME TABLE ${final} TO ${old}, ${fresh} TO ${final}`);
      await this.conn.query(`DROP TABLE ${old}`);
    } else {
      await this.conn.query(`RENAME TABLE ${fresh} TO ${final}`);
    }
    await this.schema.flushMap();
  }
}

/** Types whose text never holds a tab, newline or backslash: sent without escaping. */
const PLAIN_TYPES = new Set<LogicalType>([
  'integer',
  'number',
  'big_integer',
  'decimal',
  'date',
  'timestamp',
  'timestamp_tz',
  'boolean',
]);

/** A record key as core's `recordKey` writes it, from the key values alone. */
function keyText(fields: readonly string[], values: readonly unknown[]): string {
  return fields
    .map((f, i) => {
      const v = values[i];
      return `${f}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
    })
    .join(', ');
}

function padded(values: (string | null)[], width: number): (string | null)[] {
  const out = values.slice();
  while (out.length < width) out.push(null);
  return out;
}

/** A work table's name next to its stream table, within MySQL's 64 characters. */
function tempName(kind: 'tmp' | 'old' | 'stage', table: string): string {
  return shortenIdentifier(`_tributary_${kind}_${table}`, MYSQL_IDENTIFIERS);
}

/**
 * One record per key: the greatest cursor wins (null is smallest), a tie goes to the later
 * record. Cursors are compared as stored (see compareStoredCursor), the way the merge compares
 * them, so the result does not depend on the batch size.
 */
export function dedupe<T extends { key: string; cursor: unknown }>(
  rows: readonly T[],
  cursorType: LogicalType,
): T[] {
  const winners = new Map<string, T>();
  for (const row of rows) {
    const held = winners.get(row.key);
    if (!held || compareStoredCursor(row.cursor, held.cursor, cursorType) >= 0) {
      winners.delete(row.key);
      winners.set(row.key, row);
    }
  }
  return [...winners.values()];
}
