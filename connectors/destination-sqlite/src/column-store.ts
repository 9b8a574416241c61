import { COLUMN_MAP_TABLE, type LogicalType } from '@tributary/core';
import type { Db } from './database.js';
import { quoteId } from './sql.js';

/**
 * One row of `_tributary_columns`: a field's column name in a table and its logical type.
 * `type` is null for a name kept from an earlier run whose table (overwrite) has no such
 * column now: the name stays reserved so the field gets it back.
 */
export interface StoredColumn {
  field: string;
  column: string;
  type: LogicalType | null;
}

const TABLE = quoteId(COLUMN_MAP_TABLE);

/** The stored map of a table, in the order the names were given. */
export function loadColumns(db: Db, table: string): StoredColumn[] {
  const rows = db
    .prepare(
      `SELECT field, column_name, logical_type FROM ${TABLE} WHERE table_name = ? ORDER BY position`,
    )
    .all(table) as Array<{ field: string; column_name: string; logical_type: string | null }>;
  return rows.map((r) => ({
    field: r.field,
    column: r.column_name,
    type: r.logical_type as LogicalType | null,
  }));
}

/** Replaces the stored map of a table; call inside the transaction that changes the table. */
export function saveColumns(db: Db, table: string, columns: readonly StoredColumn[]): void {
  db.prepare(`DELETE FROM ${TABLE} WHERE table_name = ?`).run(table);
  const insert = db.prepare(
    `INSERT INTO ${TABLE} (table_name, field, column_name, logical_type, position)
     VALUES (?, ?, ?, ?, ?)`,
  );
  columns.forEach((c, position) => {
    insert.run(table, c.field, c.column, c.type, position);
  });
}

/** Moves a table's map to another name (the overwrite swap) and drops the old one. */
export function moveColumns(db: Db, from: string, to: string): void {
  db.prepare(`DELETE FROM ${TABLE} WHERE table_name = ?`).run(to);
  db.prepare(`UPDATE ${TABLE} SET table_name = ? WHERE table_name = ?`).run(to, from);
}

/** Forgets a table's map (a staging table dropped after a failed run). */
export function dropColumns(db: Db, table: string): void {
  db.prepare(`DELETE FROM ${TABLE} WHERE table_name = ?`).run(table);
}
