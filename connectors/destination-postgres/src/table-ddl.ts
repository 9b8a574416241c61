import type pg from 'pg';
import { ident, qualified } from './sql.js';

/** A column as DDL needs it: its quoted-later name and its Postgres type. */
export interface ColumnDdl {
  name: string;
  pgType: string;
}

/** The columns a table has, name → `format_type` text, or undefined when it does not exist. */
export async function physicalColumns(
  client: pg.Client,
  schema: string,
  table: string,
): Promise<Map<string, string> | undefined> {
  const result = await client.query<{ name: string; type: string | null }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
     ORDER BY a.attnum`,
    [schema, table],
  );
  if (result.rows.length === 0) return undefined;
  const columns = new Map<string, string>();
  for (const row of result.rows) if (row.type !== null) columns.set(row.name, row.type);
  return columns;
}

/** CREATE TABLE with the columns in order and, for a deduplicated stream, its primary key. */
export async function createTable(
  client: pg.Client,
  schema: string,
  table: string,
  columns: readonly ColumnDdl[],
  primaryKey: readonly string[],
): Promise<void> {
  const parts = columns.map((c) => `${ident(c.name)} ${c.pgType}`);
  if (primaryKey.length > 0) parts.push(`PRIMARY KEY (${primaryKey.map(ident).join(', ')})`);
  await client.query(`CREATE TABLE ${qualified(schema, table)} (${parts.join(', ')})`);
}

/** ALTER TABLE … ADD COLUMN, nullable. */
export async function addColumn(
  client: pg.Client,
  schema: string,
  table: string,
  column: ColumnDdl,
): Promise<void> {
  await client.query(
    `ALTER TABLE ${qualified(schema, table)} ADD COLUMN ${ident(column.name)} ${column.pgType}`,
  );
}

/**
 * Widens a column in place. Every widening core allows has a cast that keeps the value
 * (bigint → numeric, numeric → text, date → timestamp, jsonb → text, …), hence `USING`.
 */
export async function widenColumn(
  client: pg.Client,
  schema: string,
  table: string,
  column: ColumnDdl,
): Promise<void> {
  const name = ident(column.name);
  await client.query(
    `ALTER TABLE ${qualified(schema, table)} ALTER COLUMN ${name} TYPE ${column.pgType} USING ${name}::${column.pgType}`,
  );
}

/** A unique index on the primary key, for a table first created by another sync mode. */
export async function ensureUniqueKey(
  client: pg.Client,
  schema: string,
  table: string,
  indexName: string,
  primaryKey: readonly string[],
): Promise<void> {
  const unique = await client.query(
    `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = $2 AND i.indisunique
       AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
            WHERE a.attrelid = c.oid AND a.attnum = ANY(i.indkey)) = $3::text[]`,
    [schema, table, [...primaryKey].sort()],
  );
  if (unique.rows.length > 0) return;
  await client.query(
    `CREATE UNIQUE INDEX ${ident(indexName)} ON ${qualified(schema, table)} (${primaryKey.map(ident).join(', ')})`,
  );
}

/** Replaces `table` by `fresh` in the open transaction: readers see the old or the new one. */
export async function swapTable(
  client: pg.Client,
  schema: string,
  fresh: string,
  table: string,
): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${qualified(schema, table)}`);
  await client.query(`ALTER TABLE ${qualified(schema, fresh)} RENAME TO ${ident(table)}`);
}
