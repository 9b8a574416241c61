import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { COLUMN_MAP_TABLE, DestinationError, type LogicalType, STATE_TABLE } from '@tributary/core';
import Database from 'better-sqlite3';
import type { SqliteConfig } from './config.js';
import { quoteId } from './sql.js';
import { compareStored, convertStored } from './values.js';

/** An open better-sqlite3 connection. */
export type Db = Database.Database;

/** The absolute path of the configured database file. */
export function databasePath(config: SqliteConfig): string {
  return resolve(process.cwd(), config.path);
}

/**
 * Opens (or creates) the database with the settings every write relies on: WAL so readers
 * never block the writer, `synchronous` from the config, and the two SQL functions that let
 * SQLite apply core's value rules (`tributary_convert` for widening, `tributary_compare` for
 * cursor order) so those rules are never re-implemented in SQL.
 */
export function openDatabase(config: SqliteConfig, options: { mustExist?: boolean } = {}): Db {
  const path = databasePath(config);
  let db: Db;
  try {
    if (!options.mustExist) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { fileMustExist: options.mustExist === true });
  } catch (cause) {
    throw new DestinationError(
      `cannot open SQLite database '${path}': ${(cause as Error).message}`,
      { path },
      { cause },
    );
  }
  try {
    db.pragma(`busy_timeout = ${config.busy_timeout_ms}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`cache_size = ${-1024 * config.cache_size_mb}`);
    db.pragma(`synchronous = ${config.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    db.function('tributary_convert', { deterministic: true }, (value, from, to) =>
      convertStored(value, from as LogicalType, to as LogicalType),
    );
    db.function('tributary_compare', { deterministic: true }, (a, b, type) =>
      compareStored(a, b, type as LogicalType),
    );
  } catch (cause) {
    db.close();
    throw new DestinationError(
      `cannot use SQLite database '${path}': ${(cause as Error).message}`,
      { path },
      { cause },
    );
  }
  return db;
}

/**
 * Starts a write transaction unless one is open. IMMEDIATE takes the write lock at once,
 * waiting up to `busy_timeout_ms` for another connection to let it go; a deferred BEGIN would
 * read first and then fail at its first write without waiting, since SQLite cannot upgrade a
 * read to a write while another connection writes.
 */
export function beginWrite(db: Db): void {
  if (!db.inTransaction) db.exec('BEGIN IMMEDIATE');
}

/**
 * The destination's error for a lock another connection held past `busy_timeout_ms`, naming
 * the file (and the table being written, when known); any other error as it was.
 */
export function lockedError(
  error: unknown,
  path: string,
  busyTimeoutMs: number,
  table?: string,
): unknown {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string' || !/^SQLITE_(BUSY|LOCKED)/.test(code)) return error;
  const where = table === undefined ? '' : ` (writing table '${table}')`;
  return new DestinationError(
    `SQLite database '${path}' is locked by another connection${where}: still held after ` +
      `busy_timeout_ms (${busyTimeoutMs} ms)`,
    table === undefined ? { path } : { path, table },
    { cause: error },
  );
}

/** Creates Tributary's own tables when missing: states and field-to-column maps. */
export function ensureSystemTables(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${quoteId(STATE_TABLE)} (
    stream_key TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    generation INTEGER,
    sequence INTEGER,
    committed_at TEXT NOT NULL
  )`);
  db.exec(`CREATE TABLE IF NOT EXISTS ${quoteId(COLUMN_MAP_TABLE)} (
    table_name TEXT NOT NULL,
    field TEXT NOT NULL,
    column_name TEXT NOT NULL,
    logical_type TEXT,
    position INTEGER NOT NULL,
    PRIMARY KEY (table_name, field)
  )`);
}

/** True when a table (not a view) of that name exists; SQLite compares names without case. */
export function tableExists(db: Db, table: string): boolean {
  const row = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE")
    .get(table);
  return row !== undefined;
}
