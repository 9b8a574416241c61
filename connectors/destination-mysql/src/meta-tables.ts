import {
  COLUMN_MAP_TABLE,
  type LogicalType,
  STATE_TABLE,
  type StateMessage,
} from '@tributary/core';
import type { Connection } from 'mysql2/promise';
import { quoteId } from './sql.js';

/**
 * Creates the state and column-map tables when missing (idempotent DDL). Their keys are
 * stream names and field names, compared exactly: tables an older version made with the
 * space-padding utf8mb4_bin are converted to `collation` once.
 */
export async function ensureMetaTables(conn: Connection, collation: string): Promise<void> {
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${quoteId(STATE_TABLE)} (
      stream_key VARCHAR(512) NOT NULL PRIMARY KEY,
      state LONGTEXT NOT NULL,
      generation BIGINT NULL,
      sequence BIGINT NULL,
      committed_at DATETIME(6) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
  );
  await conn.query(
    `CREATE TABLE IF NOT EXISTS ${quoteId(COLUMN_MAP_TABLE)} (
      table_name VARCHAR(64) NOT NULL,
      field VARCHAR(700) NOT NULL,
      column_name VARCHAR(64) NOT NULL,
      logical_type VARCHAR(32) NOT NULL,
      PRIMARY KEY (table_name, field)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`,
  );
  const [rows] = await conn.query(
    `SELECT TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (?, ?) AND TABLE_COLLATION <> ?`,
    [STATE_TABLE, COLUMN_MAP_TABLE, collation],
  );
  for (const { name } of rows as Array<{ name: string }>) {
    await conn.query(
      `ALTER TABLE ${quoteId(name)} CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`,
    );
  }
}

/** One field of a table's column map. */
export interface MappedColumn {
  field: string;
  column: string;
  type: LogicalType;
}

/** The column map of a table, in the order the fields were first mapped. */
export async function readColumnMap(conn: Connection, table: string): Promise<MappedColumn[]> {
  const [rows] = await conn.query(
    `SELECT field, column_name, logical_type FROM ${quoteId(COLUMN_MAP_TABLE)}
      WHERE table_name = ?`,
    [table],
  );
  return (rows as Array<{ field: string; column_name: string; logical_type: string }>).map((r) => ({
    field: r.field,
    column: r.column_name,
    type: r.logical_type as LogicalType,
  }));
}

/** Records (or updates) fields of a table's column map. */
export async function writeColumnMap(
  conn: Connection,
  table: string,
  columns: readonly MappedColumn[],
): Promise<void> {
  if (columns.length === 0) return;
  await conn.query(
    `INSERT INTO ${quoteId(COLUMN_MAP_TABLE)} (table_name, field, column_name, logical_type)
      VALUES ? ON DUPLICATE KEY UPDATE column_name = VALUES(column_name),
      logical_type = VALUES(logical_type)`,
    [columns.map((c) => [table, c.field, c.column, c.type])],
  );
}

/** The key a state is stored under: the stream key, or `__global__` for GLOBAL/LEGACY. */
export function stateKeyOf(state: StateMessage, key: (d: StateDescriptor) => string): string {
  const d = state.stream?.stream_descriptor;
  return d ? key(d) : '__global__';
}

type StateDescriptor = { name: string; namespace?: string | undefined };

/** Writes a state inside the caller's open transaction. */
export async function writeState(
  conn: Connection,
  stateKey: string,
  state: StateMessage,
): Promise<void> {
  await conn.query(
    `INSERT INTO ${quoteId(STATE_TABLE)} (stream_key, state, generation, sequence, committed_at)
      VALUES (?, ?, ?, ?, UTC_TIMESTAMP(6))
      ON DUPLICATE KEY UPDATE state = VALUES(state), generation = VALUES(generation),
      sequence = VALUES(sequence), committed_at = VALUES(committed_at)`,
    [
      stateKey,
      JSON.stringify(state),
      state.tributary?.generation ?? null,
      state.tributary?.sequence ?? null,
    ],
  );
}

/** Every state kept, optionally only those under the given keys. */
export async function readStates(conn: Connection): Promise<Map<string, StateMessage>> {
  const [rows] = await conn.query(`SELECT stream_key, state FROM ${quoteId(STATE_TABLE)}`);
  const out = new Map<string, StateMessage>();
  for (const r of rows as Array<{ stream_key: string; state: string }>) {
    out.set(r.stream_key, JSON.parse(r.state) as StateMessage);
  }
  return out;
}

/** Deletes the states under these keys (every state when `keys` is empty). */
export async function deleteStates(conn: Connection, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) {
    await conn.query(`DELETE FROM ${quoteId(STATE_TABLE)}`);
    return;
  }
  await conn.query(`DELETE FROM ${quoteId(STATE_TABLE)} WHERE stream_key IN (?)`, [keys]);
}
