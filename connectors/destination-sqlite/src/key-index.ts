import { DestinationError } from '@tributary/core';
import type { Db } from './database.js';
import { quoteId, quoteIds } from './sql.js';
import type { Column } from './table.js';

/**
 * Makes sure a unique index covers exactly the primary key columns, which SQLite's
 * `ON CONFLICT (…) DO UPDATE` needs. An index already there (made by us or by hand) is used
 * as it is; a new one gets a free `_tributary_pk_<table>` name (index names are global).
 */
export function ensureKeyIndex(db: Db, table: string, keys: readonly Column[], path: string): void {
  const wanted = keys
    .map((c) => c.name.toLowerCase())
    .sort()
    .join('\u0000');
  const indexes = db
    .prepare('SELECT name, "unique" AS u FROM pragma_index_list(?)')
    .all(table) as Array<{ name: string; u: number }>;
  for (const index of indexes) {
    if (!index.u) continue;
    const columns = db.prepare('SELECT name FROM pragma_index_info(?)').all(index.name) as Array<{
      name: string | null;
    }>;
    const names = columns
      .map((c) => (c.name ?? '').toLowerCase())
      .sort()
      .join('\u0000');
    if (names === wanted) return;
  }
  const taken = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?");
  let name = `_tributary_pk_${table}`;
  for (let n = 2; taken.get(name) !== undefined; n++) name = `_tributary_pk_${table}_${n}`;
  try {
    db.exec(
      `CREATE UNIQUE INDEX ${quoteId(name)} ON ${quoteId(table)} (${quoteIds(keys.map((k) => k.name))})`,
    );
  } catch (cause) {
    throw new DestinationError(
      `SQLite database '${path}': table '${table}' cannot get a unique index on its primary key ` +
        `(${keys.map((k) => k.name).join(', ')}), it holds several rows per key ` +
        '(appended earlier?); append_dedup needs one row per key',
      { path, table },
      { cause },
    );
  }
}
