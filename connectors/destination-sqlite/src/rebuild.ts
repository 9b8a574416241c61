import type { LogicalType } from '@tributary/core';
import type { Db } from './database.js';
import { quoteId } from './sql.js';
import { sqliteTypeOf } from './values.js';

interface TableColumn {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

/** The columns of a table as SQLite declares them, in table order. */
export function tableColumns(db: Db, table: string): TableColumn[] {
  return db.prepare(`SELECT * FROM pragma_table_info(?)`).all(table) as TableColumn[];
}

/**
 * Changes one column's type. SQLite has no ALTER COLUMN … TYPE, so the table is rebuilt the
 * way its docs describe (https://www.sqlite.org/lang_altertable.html#otheralter): a new table
 * with the new type, every row copied with its value converted by `tributary_convert`, the old
 * table dropped, the new one renamed, then the table's own indexes and triggers (yours too)
 * re-created. Runs inside the caller's transaction, so a failed run undoes it with its rows.
 */
export function rebuildWithType(
  db: Db,
  table: string,
  column: string,
  from: LogicalType,
  to: LogicalType,
): void {
  const columns = tableColumns(db, table);
  const target = column.toLowerCase();
  const scratch = `_tributary_rebuild_${table}`;
  const keys = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  const definitions = columns.map((c) => {
    const type = c.name.toLowerCase() === target ? sqliteTypeOf(to) : c.type;
    let def = `${quoteId(c.name)} ${type}`;
    if (c.notnull) def += ' NOT NULL';
    if (c.dflt_value !== null) def += ` DEFAULT ${c.dflt_value}`;
    return def;
  });
  if (keys.length > 0)
    definitions.push(`PRIMARY KEY (${keys.map((c) => quoteId(c.name)).join(', ')})`);
  const names = columns.map((c) => quoteId(c.name)).join(', ');
  const values = columns
    .map((c) =>
      c.name.toLowerCase() === target
        ? `tributary_convert(${quoteId(c.name)}, '${from}', '${to}')`
        : quoteId(c.name),
    )
    .join(', ');
  const dependents = db
    .prepare(
      `SELECT sql FROM sqlite_master
       WHERE tbl_name = ? COLLATE NOCASE AND type IN ('index', 'trigger') AND sql IS NOT NULL`,
    )
    .all(table) as Array<{ sql: string }>;

  db.exec(`DROP TABLE IF EXISTS ${quoteId(scratch)}`);
  db.exec(`CREATE TABLE ${quoteId(scratch)} (${definitions.join(', ')})`);
  db.exec(`INSERT INTO ${quoteId(scratch)} (${names}) SELECT ${values} FROM ${quoteId(table)}`);
  db.exec(`DROP TABLE ${quoteId(table)}`);
  db.exec(`ALTER TABLE ${quoteId(scratch)} RENAME TO ${quoteId(table)}`);
  for (const { sql } of dependents) db.exec(sql);
}
