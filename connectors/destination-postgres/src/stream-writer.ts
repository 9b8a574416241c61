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
import { pgTypeOf } from './column-types.js';
import { CopySession, copyRows, rollbackToSavepoint, savepointed } from './copy-into.js';
import { COPY_NULL, copyField, decodeLine, pgText } from './copy-text.js';
import {
  createStagingSql,
  deleteSql,
  IS_DELETION_COLUMN,
  rowColumns,
  SEQ_COLUMN,
  upsertSql,
} from './merge-sql.js';
import { applyChanges, changesFor } from './schema-changes.js';
import { ident, qualified } from './sql.js';
import type { StreamTable } from './stream-table.js';
import { METADATA_DDL } from './stream-table.js';
import { swapTable } from './table-ddl.js';

/** A chunk goes to Postgres at this many rows or bytes, whichever comes first. */
// Small enough that a chunk's records die young (less GC work), large enough that the
// savepoint and COPY round trips are noise.
const CHUNK_ROWS = 5_000;
const CHUNK_BYTES = 4 * 1024 * 1024;
const NOTHING: Message[] = [];

const TIME_TYPES = new Set(['date', 'timestamp', 'timestamp_tz']);

/**
 * Which writer has a COPY open on the shared connection. Only one COPY can run at a time, so
 * a writer that needs the connection first makes the active one write its chunk.
 */
export interface CopyGate {
  active: StreamWriter | undefined;
}

/** The stream's options with their defaults filled in. */
export interface StreamPolicies {
  deletePolicy: DeletePolicy;
  schemaPolicy: SchemaPolicy;
  onBadRecord: BadRecordPolicy;
}

/**
 * Buffers one stream's records in COPY text form and writes them by chunk inside the open
 * transaction: straight into the table (append, overwrite), or into a staging table then
 * merged (append_dedup). A chunk that Postgres refuses is retried row by row under
 * savepoints, to name the culprit (fail) or leave it out (skip, reject).
 */
export class StreamWriter {
  readonly table: StreamTable;
  readonly #client: pg.Client;
  readonly #policies: StreamPolicies;
  readonly #logger: Logger;
  readonly #staging: string;
  readonly #primaryKey: FieldPath[];
  #pending: string[] = [];
  #pendingDeletion = false;
  #bytes = 0;
  #seq = 0;
  #warnedNul = false;
  #warnedKeyless = false;
  #session: CopySession | undefined;
  readonly #gate: CopyGate;

  constructor(
    client: pg.Client,
    table: StreamTable,
    policies: StreamPolicies,
    logger: Logger,
    index: number,
    gate: CopyGate,
  ) {
    this.#client = client;
    this.#gate = gate;
    this.table = table;
    this.#policies = policies;
    this.#logger = logger;
    this.#staging = `_tributary_stage_${index}`;
    this.#primaryKey = table.primaryKey.map((f) => [f]);
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

  async #apply(changes: Parameters<typeof applyChanges>[2]): Promise<Message[]> {
    if (changes.length === 0) return [];
    const reports = await applyChanges(this.#client, this.table, changes);
    if (reports.length > 0 && this.table.mode === 'append_dedup' && this.#staging) {
      await this.#createStaging();
    }
    return reports.map((r) => trace({ type: 'SCHEMA_CHANGE', schema_change: r }));
  }

  #onNul = (): void => {
    if (this.#warnedNul) return;
    this.#warnedNul = true;
    this.#logger.warn('text with NUL characters stored without them', {
      stream: this.table.stream,
    });
  };

  /** Takes one record; returns what to yield now (schema changes, rejects). */
  async add(record: RecordMessage): Promise<Message[]> {
    const data = record.data;
    // The key is only read by errors and rejects: build it when one needs it.
    const key = () => recordKey(data, this.#primaryKey);
    let out = NOTHING;
    const changes = changesFor(this.table, data, this.#policies.schemaPolicy, key);
    if (changes.length > 0 || isDeletion(data)) out = [];
    if (changes.length > 0) {
      // Buffered lines follow the old columns: write them before the table changes.
      out.push(...(await this.#quiesce()));
      out.push(...(await this.#apply(changes)));
    }
    const deletion = isDeletion(data);
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
      out.push(...(await this.#quiesce()));
      out.push(...(await this.#deleteNow(data, key(), record.emitted_at)));
      return out;
    }
    const line = this.#encode(data, record.emitted_at, deletion);
    if (!this.#session) out = [...out, ...(await this.#openSession())];
    this.#pending.push(line);
    if (deletion) this.#pendingDeletion = true;
    this.#bytes += line.length;
    const sending = this.#session!.write(line);
    if (sending) await sending;
    if (this.#pending.length >= CHUNK_ROWS || this.#bytes >= CHUNK_BYTES)
      out = [...out, ...(await this.flush())];
    return out;
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

  #encode(data: Record<string, unknown>, emittedAt: number, deletion: boolean): string {
    const fields: string[] = [];
    for (const column of this.table.columns.values())
      fields.push(copyField(data[column.field], column.type, this.#onNul));
    const extractedAt = this.#extractedAt(emittedAt);
    fields.push(extractedAt, this.table.syncId === null ? COPY_NULL : String(this.table.syncId));
    fields.push(deletion ? this.#deletedAt(data, extractedAt) : COPY_NULL);
    if (this.table.mode === 'append_dedup') {
      fields.push(String(this.#seq++), deletion ? 't' : 'f');
    }
    return fields.join('\t');
  }

  /** Ends this stream's chunk and any other's open COPY, so the connection is free. */
  async #quiesce(): Promise<Message[]> {
    const out = await this.flush();
    const other = this.#gate.active;
    if (other && other !== this) out.push(...(await other.flush()));
    return out;
  }

  /** Starts the chunk: a savepoint, then a COPY that receives lines as they come. */
  async #openSession(): Promise<Message[]> {
    const other = this.#gate.active;
    const out = other && other !== this ? await other.flush() : [];
    await this.#client.query('SAVEPOINT tributary_chunk');
    const into =
      this.table.mode === 'append_dedup'
        ? `pg_temp.${ident(this.#staging)}`
        : qualified(this.table.schema, this.table.target);
    const columns = rowColumns(this.table);
    if (this.table.mode === 'append_dedup') columns.push(SEQ_COLUMN, IS_DELETION_COLUMN);
    this.#session = new CopySession(this.#client, into, columns);
    this.#gate.active = this;
    return out;
  }

  /** Ends the chunk's COPY (and merges it); a refused row leads to a row-by-row retry. */
  async flush(): Promise<Message[]> {
    const session = this.#session;
    if (!session) return [];
    this.#session = undefined;
    if (this.#gate.active === this) this.#gate.active = undefined;
    const rows = this.#pending;
    const anyDeletion = this.#pendingDeletion;
    this.#pending = [];
    this.#pendingDeletion = false;
    this.#bytes = 0;
    try {
      await session.end();
      if (this.table.mode === 'append_dedup') await this.#merge(anyDeletion);
      await this.#client.query('RELEASE SAVEPOINT tributary_chunk');
      return [];
    } catch (error) {
      await rollbackToSavepoint(this.#client);
      if (!isRecordFault(error)) throw error;
    }
    const out: Message[] = [];
    for (const row of rows) {
      try {
        await savepointed(this.#client, () => this.#writeRows([row]));
      } catch (error) {
        const data = decodeLine(row, [...this.table.columns.values()]);
        out.push(this.#refused(data, recordKey(data, this.#primaryKey), error));
      }
    }
    return out;
  }

  #refused(data: Record<string, unknown>, key: string, error: unknown): Message {
    if (!isRecordFault(error)) throw error;
    const refused = refusedRecord(this.table.stream, key, error);
    if (this.#policies.onBadRecord === 'fail') throw refused;
    return trace({ type: 'REJECT', reject: rejectOf(this.#descriptor, data, refused) });
  }

  async #writeRows(lines: readonly string[]): Promise<void> {
    const columns = rowColumns(this.table);
    if (this.table.mode !== 'append_dedup') {
      const target = qualified(this.table.schema, this.table.target);
      await copyRows(this.#client, target, columns, lines);
      return;
    }
    const staging = `pg_temp.${ident(this.#staging)}`;
    await copyRows(this.#client, staging, [...columns, SEQ_COLUMN, IS_DELETION_COLUMN], lines);
    await this.#merge(lines.some((line) => line.endsWith('\tt')));
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

  /** Cancels an open COPY before the transaction is rolled back. */
  async abort(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    this.#pending = [];
    this.#pendingDeletion = false;
    if (session) await session.abort();
  }

  /** At the normal end of input, in the last transaction: an overwrite swaps its table in. */
  async finish(): Promise<void> {
    if (this.table.mode === 'overwrite')
      await swapTable(this.#client, this.table.schema, this.table.target, this.table.table);
  }
}
