import { COLUMN_MAP_TABLE, STATE_TABLE, type StateMessage } from '@tributary/core';
import type pg from 'pg';
import { ident, qualified } from './sql.js';

/**
 * Creates the target schema and Tributary's two tables in it. The column map and the states
 * live next to the data, so they commit and roll back with it.
 */
export async function ensureMetaTables(client: pg.Client, schema: string): Promise<void> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${qualified(schema, COLUMN_MAP_TABLE)} (
      table_name text NOT NULL, field text NOT NULL, column_name text NOT NULL,
      position integer NOT NULL, stream text, PRIMARY KEY (table_name, field))`,
  );
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${qualified(schema, STATE_TABLE)} (
      stream_key text PRIMARY KEY, state text NOT NULL, generation bigint, sequence bigint,
      committed_at timestamptz NOT NULL DEFAULT now())`,
  );
}

/** The field-to-column pairs recorded for a table, in the order they were assigned. */
export async function loadColumnMap(
  client: pg.Client,
  schema: string,
  table: string,
): Promise<[string, string][]> {
  const result = await client.query<{ field: string; column_name: string }>(
    `SELECT field, column_name FROM ${qualified(schema, COLUMN_MAP_TABLE)}
     WHERE table_name = $1 ORDER BY position`,
    [table],
  );
  return result.rows.map((row) => [row.field, row.column_name]);
}

/** Records new pairs; pairs already recorded are kept as they are, so a name never changes. */
export async function saveColumnMap(
  client: pg.Client,
  schema: string,
  table: string,
  stream: string,
  pairs: readonly [string, string][],
): Promise<void> {
  if (pairs.length === 0) return;
  await client.query(
    `INSERT INTO ${qualified(schema, COLUMN_MAP_TABLE)} (table_name, field, column_name, position, stream)
     SELECT $1, f, c, p - 1, $2 FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS m(f, c, p)
     ON CONFLICT (table_name, field) DO NOTHING`,
    [table, stream, pairs.map((p) => p[0]), pairs.map((p) => p[1])],
  );
}

/** The key a state is stored under: its stream, or `__global__` for a global or legacy one. */
export function stateKeyOf(state: StateMessage): string {
  const descriptor = state.stream?.stream_descriptor;
  if (!descriptor) return '__global__';
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}

/** Stores a state in the open transaction, replacing the stream's previous one. */
export async function saveState(
  client: pg.Client,
  schema: string,
  state: StateMessage,
): Promise<void> {
  await client.query(
    `INSERT INTO ${qualified(schema, STATE_TABLE)} (stream_key, state, generation, sequence, committed_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (stream_key) DO UPDATE SET state = EXCLUDED.state,
       generation = EXCLUDED.generation, sequence = EXCLUDED.sequence,
       committed_at = EXCLUDED.committed_at`,
    [
      stateKeyOf(state),
      JSON.stringify(state),
      state.tributary?.generation ?? null,
      state.tributary?.sequence ?? null,
    ],
  );
}

/** Every stored state whose key is in `keys`, in key order. */
export async function loadStates(
  client: pg.Client,
  schema: string,
  keys: readonly string[],
): Promise<StateMessage[]> {
  const exists = await client.query('SELECT to_regclass($1) AS t', [
    qualified(schema, STATE_TABLE),
  ]);
  if (!exists.rows[0]?.t) return [];
  const result = await client.query<{ state: string }>(
    `SELECT state FROM ${qualified(schema, STATE_TABLE)} WHERE stream_key = ANY($1) ORDER BY stream_key`,
    [keys],
  );
  return result.rows.map((row) => JSON.parse(row.state) as StateMessage);
}

/** Deletes the stored states of these keys. */
export async function deleteStates(
  client: pg.Client,
  schema: string,
  keys: readonly string[],
): Promise<void> {
  const exists = await client.query('SELECT to_regclass($1) AS t', [
    qualified(schema, STATE_TABLE),
  ]);
  if (!exists.rows[0]?.t) return;
  await client.query(`DELETE FROM ${qualified(schema, STATE_TABLE)} WHERE stream_key = ANY($1)`, [
    keys,
  ]);
}
