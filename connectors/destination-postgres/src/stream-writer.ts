import {
  type BadRecordPolicy,
  type DeletePolicy,
  type FieldPath,
  isDeletion,
  type Logger,
  type Message,
  type RecordMessage,
  recordKey,
  type SchemaPolicy,
  trace,
  valueAt,
} from '@tributary/core';
import type pg from 'pg';
import { isRecordFault, refusedRecord, rejectOf } from './bad-records.js';
import { binaryChunkOf, binaryTuples, decodeTuple } from './binary-decode.js';
import { type BinaryEncoder, BinaryRows, binaryEncoder, instantField } from './binary-rows.js';
import { pgTypeOf } from './column-types.js';
import { copyBinary, copyText, rollbackToSavepoint, savepointed } from './copy-into.js';
import { COPY_NULL, decodeLine, jsonText, pgText } from './copy-text.js';
import type { Lane } from './lane.js';
import {
  createStagingSql,
  deleteSql,
  IS_DELETION_COLUMN,
  rowColumns,
  SEQ_COLUMN,
  upsertSql,
} from './merge-sql.js';
import { type FieldEncoder, fieldEncoder } from './row-encoder.js';
import { applyChanges, changesFor } from './schema-changes.js';
import { ident, qualified } from './sql.js';
import type { DataColumn, StreamTable } from './stream-table.js';
import { METADATA_DDL } from './stream-table.js';
import { swapTable } from './table-ddl.js';

/** A chunk is sealed and queued for Postgres at this many rows or characters. */
// Large enough that the savepoint and COPY round trips are noise, small enough that a
// refused row's row-by-row retry stays short and queued chunks stay a few MiB.
const CHUNK_ROWS = 5_000;
const CHUNK_CHARS = 2 * 1024 * 1024;
/** A binary chunk's first buffer: a chunk only grows past it on wide rows. */
const CHUNK_BUFFER = 1024 * 1024;
const SPARE_BUFFERS = 4;
const NOTHING: Message[] = [];

/** A sealed chunk: binary COPY bytes, or COPY text lines. */
type Chunk = { binary: Buffer } | { text: string };

/** How many own enumerable keys a record has: more than its columns found means a new field. */
function keyCount(data: Record<string, unknown>): number {
  let n = 0;
  for (const _ in data) n++;
  return n;
}

const TIME_TYPES = new Set(['date', 'timestamp', 'timestamp_tz']);

/** The stream's options with their defaults filled in. */
export interface StreamPolicies {
  deletePolicy: DeletePolicy;
  schemaPolicy: SchemaPolicy;
  onBadRecord: BadRecordPolicy;
}

/**
 * Buffers one stream's records as COPY text and seals them into chunks, which the lane
 * writes in the open transaction while the next chunk is being encoded: straight into the
 * table (append, overwrite), or into a staging table then merged (append_dedup). A chunk
 * that Postgres refuses is retried row by row under savepoints, to name the culprit (fail)
 * or leave it out (skip, reject).
 */
export class StreamWriter {
  readonly table: StreamTable;
  readonly #client: pg.Client;
  readonly #lane: Lane;
  readonly #policies: StreamPolicies;
  readonly #logger: Logger;
  readonly #staging: string;
  readonly #primaryKey: FieldPath[];
  #lines: string[] = [];
  #chars = 0;
  #chunkDeletion = false;
  #seq = 0;
  #warnedNul = false;
  #warnedKeyless = false;
  #encoders: { field: string; encode: FieldEncoder }[] = [];
  /** Binary encoders in table order, or undefined when the stream is written as text. */
  #binary: { field: string; encode: BinaryEncoder }[] | undefined;
  #rows: BinaryRows | undefined;
  /** Buffers of written chunks, reused: fresh megabytes per chunk kept the GC busy. */
  readonly #spare: Buffer[] = [];
  #fieldCount = 0;
  #syncIdText: string;

  constructor(
    client: pg.Client,
    table: StreamTable,
    policies: StreamPolicies,
    logger: Logger,
    index: number,
    lane: Lane,
  ) {
    this.#client = client;
    this.#lane = lane;
    this.table = table;
    this.#policies = policies;
    this.#logger = logger;
    this.#staging = `_tributary_stage_${index}`;
    this.#primaryKey = table.primaryKey.map((f) => [f]);
    this.#syncIdText = table.syncId === null ? COPY_NULL : String(table.syncId);
    this.#refreshEncoders();
  }

  get #descriptor(): { name: string; namespace?: string } {
    const t = this.table;
    return t.namespace === undefined
      ? { name: t.stream }
      : { name: t.stream, namespace: t.namespace };
  }

  /** Adds the catalog's new fields to an existing table (evolve) and prepares staging. */
  async start(): Promise<Message[]> {
    const out: Message[] = [];
    if (!this.table.created && this.#policies.schemaPolicy === 'evolve') {
      const missing = [...this.table.declared].filter(([f]) => !this.table.columns.has(f));
      const changes = missing.map(([field, type]) => ({
        change: 'column_added' as const,
        field,
        column: '',
        from: undefined,
        to: type.type,
      }));
      out.push(...(await this.#apply(changes)));
    }
    if (this.table.mode === 'append_dedup') await this.#createStaging();
    return out;
  }

  async #createStaging(): Promise<void> {
    await this.#client.query(`DROP TABLE IF EXISTS pg_temp.${ident(this.#staging)}`);
    await this.#client.query(createStagingSql(this.table, this.#staging));
  }

  /** Changes the table now: the lane must be idle (see `#quiesce`). */
  async #apply(changes: Parameters<typeof applyChanges>[2]): Promise<Message[]> {
    if (changes.length === 0) return [];
    const reports = await applyChanges(this.#client, this.table, changes);
    this.#refreshEncoders();
    // Staging follows the table's columns, also those taken over without a report.
    if (this.table.mode === 'append_dedup') await this.#createStaging();
    return reports.map((r) => trace({ type: 'SCHEMA_CHANGE', schema_change: r }));
  }

  /** One encoder per column, in table order, made again whenever a column changes. */
  #refreshEncoders(): void {
    const columns = [...this.table.columns.values()];
    this.#encoders = columns.map((c) => ({
      field: c.field,
      encode: fieldEncoder(c.type, this.#onNul),
    }));
    // Binary only into our own types; staging has the table's types, so the same holds.
    const dedup = this.table.mode === 'append_dedup';
    const json = (value: unknown) => jsonText(value, this.#onNul);
    const binary = columns.map((c) => ({ field: c.field, encode: binaryEncoder(c.type, json) }));
    this.#binary = this.table.canonical ? binary : undefined;
    this.#fieldCount = columns.length + METADATA_DDL.length + (dedup ? 2 : 0);
  }

  #onNul = (): void => {
    if (this.#warnedNul) return;
    this.#warnedNul = true;
    this.#logger.warn('text with NUL characters stored without them', {
      stream: this.table.stream,
    });
  };

  #keyOf = (data: Record<string, unknown>): string => recordKey(data, this.#primaryKey);

  /**
   * Takes one record; returns what to yield now (schema changes). A record that fits the
   * table and is no deletion is only encoded: no promise, no server round trip.
   */
  add(record: RecordMessage): Message[] | Promise<Message[]> {
    const data = record.data;
    // Binary rows while the chunk holds no text line, so the rows stay in order.
    if (this.#binary && this.#lines.length === 0 && this.#addBinary(data, record.emitted_at))
      return NOTHING;
    // The general path: schema changes, deletions, and values binary does not write.
    const changes = changesFor(this.table, data, this.#policies.schemaPolicy, () =>
      this.#keyOf(data),
    );
    const deletion = isDeletion(data);
    if (changes.length > 0 || deletion) return this.#addSlowly(record, changes, deletion);
    this.#push(this.#encode(data, record.emitted_at, false), false);
    return NOTHING;
  }

  async #addSlowly(
    record: RecordMessage,
    changes: Parameters<typeof applyChanges>[2],
    deletion: boolean,
  ): Promise<Message[]> {
    const data = record.data;
    const out: Message[] = [];
    if (changes.length > 0) {
      // Buffered lines follow the old columns: write them before the table changes.
      await this.#quiesce();
      out.push(...(await this.#apply(changes)));
    }
    if (deletion && this.table.primaryKey.length === 0) {
      if (!this.#warnedKeyless) {
        this.#warnedKeyless = true;
        this.#logger.warn('deletion markers ignored: the stream has no primary key', {
          stream: this.table.stream,
        });
      }
      return out;
    }
    if (deletion && this.table.mode !== 'append_dedup') {
      // In order with the rows before it: they are queued first.
      this.seal();
      const key = this.#keyOf(data);
      this.#lane.run(0, () => this.#deleteNow(data, key, record.emitted_at));
      return out;
    }
    this.#push(this.#encode(data, record.emitted_at, deletion), deletion);
    return out;
  }

  /**
   * Writes the record as a binary row when every value plainly fits its column and the
   * record has no field without one (nor a deletion marker); else writes nothing, false.
   */
  #addBinary(data: Record<string, unknown>, emittedAt: number): boolean {
    this.#rows ??= new BinaryRows(this.#spare.pop() ?? CHUNK_BUFFER, this.#onNul);
    const out = this.#rows;
    const start = out.pos;
    out.ensure(2);
    out.int16(this.#fieldCount);
    let found = 0;
    for (const column of this.#binary!) {
      const value = data[column.field];
      if (value === undefined) {
        out.null();
        continue;
      }
      found++;
      if (value === null) out.null();
      else if (!column.encode(value, out)) {
        out.pos = start;
        return false;
      }
    }
    if (found !== keyCount(data) || !instantField(emittedAt, out)) {
      out.pos = start;
      return false;
    }
    if (this.table.syncId === null) out.null();
    else out.bigintField(this.table.syncId);
    out.null(); // _tributary_deleted_at: no deletion takes this path
    if (this.table.mode === 'append_dedup') {
      out.bigintField(this.#seq++);
      out.boolField(false);
    }
    out.rows++;
    if (out.rows >= CHUNK_ROWS || out.pos >= CHUNK_CHARS) this.seal();
    return true;
  }

  #push(line: string, deletion: boolean): void {
    // A text line follows the binary rows before it: those go first, in their own chunk.
    if (this.#rows && this.#rows.rows > 0) this.#sealBinary();
    this.#lines.push(line);
    this.#chars += line.length + 1;
    if (deletion) this.#chunkDeletion = true;
    if (this.#lines.length >= CHUNK_ROWS || this.#chars >= CHUNK_CHARS) this.seal();
  }

  /** Queues the buffered lines as one chunk; the lane writes it after what came before. */
  seal(): void {
    this.#lane.check();
    if (this.#rows && this.#rows.rows > 0) this.#sealBinary();
    if (this.#lines.length === 0) return;
    const text = `${this.#lines.join('\n')}\n`;
    const anyDeletion = this.#chunkDeletion;
    const columns = [...this.table.columns.values()];
    this.#lines = [];
    this.#chars = 0;
    this.#chunkDeletion = false;
    this.#lane.run(text.length, () => this.#writeChunk({ text }, anyDeletion, columns));
  }

  #sealBinary(): void {
    const rows = this.#rows!;
    const binary = rows.seal();
    this.#rows = undefined;
    const columns = [...this.table.columns.values()];
    this.#lane.run(binary.length, async () => {
      const out = await this.#writeChunk({ binary }, false, columns);
      // The server has read every byte: the buffer can take the next chunk.
      if (this.#spare.length < SPARE_BUFFERS) this.#spare.push(rows.buf);
      return out;
    });
  }

  /** Seals the chunk and waits for the lane, so the table can change under a free line. */
  async #quiesce(): Promise<void> {
    this.seal();
    await this.#lane.drain();
  }

  /** Writes a chunk (and merges it); a refused row leads to a row-by-row retry. */
  async #writeChunk(
    chunk: Chunk,
    anyDeletion: boolean,
    columns: readonly DataColumn[],
  ): Promise<Message[] | undefined> {
    try {
      await this.#client.query('SAVEPOINT tributary_chunk');
      await this.#copy(chunk);
      if (this.table.mode === 'append_dedup') await this.#merge(anyDeletion);
      await this.#client.query('RELEASE SAVEPOINT tributary_chunk');
      return undefined;
    } catch (error) {
      await rollbackToSavepoint(this.#client);
      if (!isRecordFault(error)) throw error;
    }
    const out: Message[] = [];
    if ('binary' in chunk) {
      for (const tuple of binaryTuples(chunk.binary)) {
        try {
          await savepointed(this.#client, () => this.#writeRow({ binary: binaryChunkOf(tuple) }));
        } catch (error) {
          const data = decodeTuple(tuple, columns);
          out.push(this.#refused(data, this.#keyOf(data), error));
        }
      }
      return out;
    }
    const lines = chunk.text.split('\n');
    lines.pop(); // the text ends with a newline
    for (const row of lines) {
      try {
        await savepointed(this.#client, () => this.#writeRow({ text: `${row}\n` }));
      } catch (error) {
        const data = decodeLine(row, columns);
        out.push(this.#refused(data, this.#keyOf(data), error));
      }
    }
    return out;
  }

  #copy(chunk: Chunk): Promise<void> {
    return 'binary' in chunk
      ? copyBinary(this.#client, this.#into(), this.#copyColumns(), chunk.binary)
      : copyText(this.#client, this.#into(), this.#copyColumns(), chunk.text);
  }

  #into(): string {
    return this.table.mode === 'append_dedup'
      ? `pg_temp.${ident(this.#staging)}`
      : qualified(this.table.schema, this.table.target);
  }

  #copyColumns(): string[] {
    const columns = rowColumns(this.table);
    if (this.table.mode === 'append_dedup') columns.push(SEQ_COLUMN, IS_DELETION_COLUMN);
    return columns;
  }

  /** The marker's cursor as the deletion instant when it is a time, else its emitted_at. */
  #deletedAt(data: Record<string, unknown>, extractedAt: string): string {
    const field = this.table.cursorField;
    const column = field === undefined ? undefined : this.table.columns.get(field);
    const value = field === undefined ? undefined : data[field];
    if (column && TIME_TYPES.has(column.type) && typeof value === 'string') return value;
    return extractedAt;
  }

  #lastEmittedAt = Number.NaN;
  #lastExtractedAt = '';

  /** Records of one read mostly share their emitted_at: format it once. */
  #extractedAt(emittedAt: number): string {
    if (emittedAt !== this.#lastEmittedAt) {
      this.#lastEmittedAt = emittedAt;
      this.#lastExtractedAt = new Date(emittedAt).toISOString();
    }
    return this.#lastExtractedAt;
  }

  /** Reused for every line: `join` makes a flat string that holds no piece of the record. */
  readonly #fields: string[] = [];

  #encode(data: Record<string, unknown>, emittedAt: number, deletion: boolean): string {
    const fields = this.#fields;
    fields.length = 0;
    for (const column of this.#encoders) fields.push(column.encode(data[column.field]));
    const extractedAt = this.#extractedAt(emittedAt);
    fields.push(extractedAt, this.#syncIdText);
    fields.push(deletion ? this.#deletedAt(data, extractedAt) : COPY_NULL);
    if (this.table.mode === 'append_dedup') fields.push(String(this.#seq++), deletion ? 't' : 'f');
    return fields.join('\t');
  }

  #refused(data: Record<string, unknown>, key: string, error: unknown): Message {
    if (!isRecordFault(error)) throw error;
    const refused = refusedRecord(this.table.stream, key, error);
    if (this.#policies.onBadRecord === 'fail') throw refused;
    return trace({ type: 'REJECT', reject: rejectOf(this.#descriptor, data, refused) });
  }

  /** One row alone (a refused chunk's retry); a text row may be a deletion marker. */
  async #writeRow(chunk: Chunk): Promise<void> {
    await this.#copy(chunk);
    if (this.table.mode !== 'append_dedup') return;
    await this.#merge('text' in chunk && chunk.text.endsWith('\tt\n'));
  }

  /** Merges the staged rows into the table, then empties staging for the next chunk. */
  async #merge(anyDeletion: boolean): Promise<void> {
    const staging = `pg_temp.${ident(this.#staging)}`;
    if (anyDeletion)
      await this.#client.query(deleteSql(this.table, this.#staging, this.#policies.deletePolicy));
    await this.#client.query(upsertSql(this.table, this.#staging));
    await this.#client.query(`TRUNCATE ${staging}`);
  }

  /** A deletion marker outside dedup: delete or stamp every row with its key, in order. */
  async #deleteNow(
    data: Record<string, unknown>,
    key: string,
    emittedAt: number,
  ): Promise<Message[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    for (const field of this.table.primaryKey) {
      const column = this.table.columns.get(field);
      const value = valueAt(data, [field]);
      if (!column || value === undefined || value === null) return [];
      params.push(pgText(value, column.type, this.#onNul));
      where.push(`${ident(column.name)} = $${params.length}::${pgTypeOf(column.type)}`);
    }
    const target = qualified(this.table.schema, this.table.target);
    const deletedAt = ident(METADATA_DDL[2].name);
    let sql = `DELETE FROM ${target} WHERE ${where.join(' AND ')}`;
    if (this.#policies.deletePolicy === 'soft') {
      params.push(this.#deletedAt(data, new Date(emittedAt).toISOString()));
      sql = `UPDATE ${target} SET ${deletedAt} = $${params.length}::timestamptz
        WHERE ${where.join(' AND ')} AND ${deletedAt} IS NULL`;
    }
    try {
      await savepointed(this.#client, async () => {
        await this.#client.query(sql, params);
      });
      return [];
    } catch (error) {
      return [this.#refused(data, key, error)];
    }
  }

  /** At the normal end of input, in the last transaction: an overwrite swaps its table in. */
  async finish(): Promise<void> {
    if (this.table.mode === 'overwrite')
      await swapTable(this.#client, this.table.schema, this.table.target, this.table.table);
  }
}
