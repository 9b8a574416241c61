import { Readable } from 'node:stream';
import { DestinationError } from '@tributary/core';
import mysql, { type ResultSetHeader } from 'mysql2/promise';
import type { Session } from './connection.js';
import { idList, quoteId } from './sql.js';

/** Rows of text values (null for SQL NULL), in the order of the column list. */
export type Rows = ReadonlyArray<ReadonlyArray<string | null>>;

/**
 * Error numbers by which the server says LOAD DATA LOCAL is not allowed: MySQL's
 * ER_NOT_ALLOWED_COMMAND (1148) and ER_CLIENT_LOCAL_FILES_DISABLED (3948), MariaDB's
 * ER_LOAD_INFILE_CAPABILITY_DISABLED (4166, unnamed in mysql2).
 */
const LOCAL_REFUSED = new Set([1148, 3948, 4166]);
const CHUNK_BYTES = 64 * 1024;

/**
 * Bulk loads rows, by LOAD DATA LOCAL INFILE streamed from memory where the server allows
 * it, else by multi-row INSERT statements. The method chosen is kept on the loader, so the
 * refusal is met once per session.
 */
export class Loader {
  #useLoadData: boolean;

  constructor(
    private readonly session: Session,
    method: 'auto' | 'load_data' | 'insert',
    private readonly statementBytes: number,
    private readonly onFallback: (reason: string) => void = () => {},
  ) {
    this.#useLoadData = method !== 'insert' && (method === 'load_data' || session.localInfile);
    this.method = method;
  }

  private readonly method: 'auto' | 'load_data' | 'insert';

  /** `load_data` or `insert`: what the next load will use. */
  get using(): 'load_data' | 'insert' {
    return this.#useLoadData ? 'load_data' : 'insert';
  }

  /**
   * Loads every row. LOAD DATA LOCAL turns a value the column refuses into a warning (the
   * server cannot stop the upload), so a load with warnings throws `LoadWarningsError`:
   * the caller rolls it back and retries row by row, where strict mode raises the error.
   */
  async load(
    table: string,
    columns: readonly string[],
    rows: Rows,
    textual?: readonly boolean[],
  ): Promise<void> {
    if (rows.length === 0) return;
    if (this.#useLoadData) {
      try {
        await this.#loadData(table, columns, rows, textual);
        return;
      } catch (error) {
        const errno = (error as { errno?: unknown }).errno;
        if (typeof errno !== 'number' || !LOCAL_REFUSED.has(errno)) throw error;
        if (this.method === 'load_data') throw error;
        this.#useLoadData = false;
        this.onFallback(`server error ${errno}`);
      }
    }
    await this.insert(table, columns, rows);
  }

  /**
   * Loads rows already encoded as LOAD DATA text (see RowBatch); `insert` loads them by
   * INSERT instead, when the server refuses LOCAL or INSERT was chosen. The LOAD DATA
   * statement is queued on the connection before this returns its promise. Resolves to
   * the method that loaded the rows.
   */
  async loadText(
    table: string,
    columns: readonly string[],
    chunks: readonly Buffer[],
    count: number,
    insert: () => Promise<void>,
  ): Promise<'load_data' | 'insert'> {
    if (count === 0) return 'load_data';
    if (this.#useLoadData) {
      try {
        await this.#loadChunks(table, columns, chunks, count);
        return 'load_data';
      } catch (error) {
        const errno = (error as { errno?: unknown }).errno;
        if (typeof errno !== 'number' || !LOCAL_REFUSED.has(errno)) throw error;
        if (this.method === 'load_data') throw error;
        this.#useLoadData = false;
        this.onFallback(`server error ${errno}`);
      }
    }
    await insert();
    return 'insert';
  }

  async #loadData(
    table: string,
    columns: readonly string[],
    rows: Rows,
    textual: readonly boolean[] | undefined,
  ): Promise<void> {
    // Encoded before the statement is sent: the server then reads at its own pace instead of
    // waiting for this process between the records it is checking meanwhile.
    await this.#loadChunks(table, columns, [...tsvChunks(rows, textual)], rows.length);
  }

  async #loadChunks(
    table: string,
    columns: readonly string[],
    chunks: readonly Buffer[],
    count: number,
  ): Promise<void> {
    const sql =
      `LOAD DATA LOCAL INFILE 'tributary-rows' INTO TABLE ${quoteId(table)} ` +
      `CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' ` +
      `LINES TERMINATED BY '\\n' (${idList(columns)})`;
    const [result] = await this.session.conn.query<ResultSetHeader>({
      sql,
      infileStreamFactory: () => Readable.from(chunks),
    });
    if (result.warningStatus > 0) {
      const [warnings] = await this.session.conn.query('SHOW WARNINGS LIMIT 1');
      const first = (warnings as Array<{ Message?: string }>)[0]?.Message ?? 'unknown warning';
      throw new LoadWarningsError(first);
    }
    if (result.affectedRows !== count) {
      throw new LoadWarningsError(`loaded ${result.affectedRows} of ${count} rows`);
    }
  }

  /** Multi-row INSERT statements, each under the statement size limit. */
  async insert(table: string, columns: readonly string[], rows: Rows): Promise<void> {
    const head = `INSERT INTO ${quoteId(table)} (${idList(columns)}) VALUES `;
    const limit = Math.min(this.statementBytes, this.session.maxPacketBytes - 1024);
    let parts: string[] = [];
    let size = head.length;
    for (const row of rows) {
      const tuple = `(${row.map((v) => (v === null ? 'NULL' : mysql.escape(v))).join(',')})`;
      if (parts.length > 0 && size + tuple.length + 1 > limit) {
        await this.session.conn.query(head + parts.join(','));
        parts = [];
        size = head.length;
      }
      parts.push(tuple);
      size += tuple.length + 1;
    }
    if (parts.length > 0) await this.session.conn.query(head + parts.join(','));
  }
}

/** LOAD DATA reported warnings: some value did not go in as sent. */
export class LoadWarningsError extends DestinationError {
  constructor(warning: string) {
    super(`LOAD DATA reported a warning: ${warning}`);
    this.name = 'LoadWarningsError';
  }
}

/**
 * Tab-separated rows with MySQL's backslash escapes; `\N` is NULL. Written straight into
 * large buffers: building a string per line made the garbage collector the main cost.
 * `textual[i]` false says column i never holds a character that needs an escape.
 */
function* tsvChunks(rows: Rows, textual?: readonly boolean[]): Generator<Buffer> {
  let buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let at = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      const text =
        v === null || v === undefined
          ? '\\N'
          : textual && textual[i] === false
            ? v
            : escapeField(v);
      if (at + text.length * 3 + 2 > buf.length) {
        yield buf.subarray(0, at);
        buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, text.length * 3 + 2));
        at = 0;
      }
      at += buf.write(text, at, 'utf8');
      buf[at++] = i === row.length - 1 ? 10 : 9;
    }
  }
  if (at > 0) yield buf.subarray(0, at);
}

const NEEDS_ESCAPE = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\0': '\\0',
};

/** A field's text with MySQL's LOAD DATA backslash escapes, the same string when none is needed. */
export function escapeField(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c]!);
}
