import type { LogicalType } from '@tributary/core';
import type { Connection } from 'mysql2/promise';
import { quoteId } from './sql.js';

/**
 * Binary utf8mb4 collations without PAD SPACE, the first the server has (MariaDB's, then
 * MySQL 8's). utf8mb4_bin pads with spaces on MariaDB: keys 'a' and 'a ' would be one row
 * and 'x' to 'x ' no change. Only a server with neither (MySQL 5.7) is left with it.
 */
const EXACT_COLLATIONS = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];
/** The collation older versions gave every text column and table. */
const PADDED_COLLATION = 'utf8mb4_bin';

/** The collation text gets on this server: exact where the server has one. */
export async function exactCollation(conn: Connection): Promise<string> {
  const [rows] = await conn.query(
    'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?)',
    [EXACT_COLLATIONS],
  );
  const names = (rows as Array<{ name: string }>).map((r) => r.name);
  return EXACT_COLLATIONS.find((c) => names.includes(c)) ?? PADDED_COLLATION;
}

/** A column of a table, the logical type it holds and the one the catalog declares. */
export interface TypedColumn {
  column: string;
  type: LogicalType;
  declared: LogicalType | undefined;
}

/**
 * The ALTER TABLE that gives an older version's utf8mb4_bin columns `collation`, or
 * undefined when none is left (so it runs once). JSON columns keep theirs: MariaDB's JSON is
 * utf8mb4_bin text with a check that a MODIFY would drop, and JSON text never ends in a
 * space.
 */
export async function switchCollationSql(
  conn: Connection,
  table: string,
  columns: readonly TypedColumn[],
  collation: string,
): Promise<string | undefined> {
  if (collation === PADDED_COLLATION) return undefined;
  const [rows] = await conn.query(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable
      FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLLATION_NAME = ?`,
    [table, PADDED_COLLATION],
  );
  const padded = new Map(
    (rows as Array<{ name: string; type: string; nullable: string }>).map((r) => [
      r.name.toLowerCase(),
      r,
    ]),
  );
  const modify: string[] = [];
  for (const { column, type, declared } of columns) {
    const r = padded.get(column.toLowerCase());
    if (!r || isJson(type) || (declared !== undefined && isJson(declared))) continue;
    const nullability = r.nullable === 'YES' ? 'NULL' : 'NOT NULL';
    modify.push(
      `MODIFY COLUMN ${quoteId(r.name)} ${r.type} CHARACTER SET utf8mb4 ` +
        `COLLATE ${collation} ${nullability}`,
    );
  }
  return modify.length > 0 ? `ALTER TABLE ${quoteId(table)} ${modify.join(', ')}` : undefined;
}

function isJson(type: LogicalType): boolean {
  return type === 'object' || type === 'array' || type === 'json';
}
