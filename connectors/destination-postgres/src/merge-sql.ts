import { METADATA_COLUMNS } from '@tributary/core';
import { ident, qualified } from './sql.js';
import { METADATA_DDL, type StreamTable } from './stream-table.js';

/** Staging's own columns: the arrival order of each record and whether it is a deletion. */
export const SEQ_COLUMN = '_tributary_seq';
export const IS_DELETION_COLUMN = '_tributary_is_deletion';

/** The columns a row carries, in COPY order: data columns, then metadata. */
export function rowColumns(table: StreamTable): string[] {
  return [...[...table.columns.values()].map((c) => c.name), ...METADATA_DDL.map((m) => m.name)];
}

/**
 * CREATE TEMP TABLE for a deduplicated stream's staging rows: the table's columns with their
 * exact types (a hand-made varchar(3) stays varchar(3)) and no constraint. COPY into staging
 * then refuses a value the table cannot hold, naming its column as in append; the merge's
 * INSERT … SELECT would refuse the same value without naming any column.
 */
export function createStagingSql(table: StreamTable, staging: string): string {
  const columns = rowColumns(table).map(ident);
  return `CREATE TEMP TABLE ${ident(staging)} AS SELECT ${columns.join(', ')},
      NULL::bigint AS ${ident(SEQ_COLUMN)}, NULL::boolean AS ${ident(IS_DELETION_COLUMN)}
    FROM ${qualified(table.schema, table.target)} WITH NO DATA`;
}

/**
 * The last word on each key within the staged rows: the greatest cursor, compared by
 * Postgres in the column's own type (numbers as numbers, instants as instants), and among
 * equal cursors the record that came last. A null cursor loses to any value.
 */
function winnersSql(table: StreamTable, staging: string): string {
  const keys = table.primaryKey.map((f) => ident(table.columns.get(f)!.name));
  const cursor = cursorColumn(table);
  const order = [...keys];
  if (cursor) order.push(`${ident(cursor)} DESC NULLS LAST`);
  order.push(`${ident(SEQ_COLUMN)} DESC`);
  return `SELECT DISTINCT ON (${keys.join(', ')}) * FROM ${ident(staging)} ORDER BY ${order.join(', ')}`;
}

function cursorColumn(table: StreamTable): string | undefined {
  if (table.cursorField === undefined) return undefined;
  return table.columns.get(table.cursorField)?.name;
}

/** True when the staged row `s` may replace the stored row `t`: its cursor is not smaller. */
function newerSql(table: StreamTable, s: string): string {
  const cursor = cursorColumn(table);
  if (!cursor) return 'true';
  const c = ident(cursor);
  return `(t.${c} IS NULL OR (${s}.${c} IS NOT NULL AND ${s}.${c} >= t.${c}))`;
}

function keyJoin(table: StreamTable, s: string): string {
  return table.primaryKey
    .map((f) => ident(table.columns.get(f)!.name))
    .map((k) => `t.${k} = ${s}.${k}`)
    .join(' AND ');
}

/**
 * Insert-or-update of the live winners. An update happens only when the cursor allows it
 * and a data column changed (or the row comes back from a soft delete): an identical
 * record leaves the row, its metadata included, untouched.
 */
export function upsertSql(table: StreamTable, staging: string): string {
  const target = qualified(table.schema, table.target);
  const all = rowColumns(table).map(ident);
  const keys = new Set(table.primaryKey.map((f) => table.columns.get(f)!.name));
  const data = [...table.columns.values()]
    .filter((c) => !keys.has(c.name))
    .map((c) => ident(c.name));
  const deletedAt = ident(METADATA_COLUMNS.deletedAt);
  const set = [
    ...data.map((c) => `${c} = EXCLUDED.${c}`),
    `${ident(METADATA_COLUMNS.extractedAt)} = EXCLUDED.${ident(METADATA_COLUMNS.extractedAt)}`,
    `${ident(METADATA_COLUMNS.syncId)} = EXCLUDED.${ident(METADATA_COLUMNS.syncId)}`,
    `${deletedAt} = NULL`,
  ];
  const changed = data.length
    ? `((${data.map((c) => `t.${c}`).join(', ')}) IS DISTINCT FROM (${data.map((c) => `EXCLUDED.${c}`).join(', ')}) OR t.${deletedAt} IS NOT NULL)`
    : `t.${deletedAt} IS NOT NULL`;
  return `INSERT INTO ${target} AS t (${all.join(', ')})
    SELECT ${all.join(', ')} FROM (${winnersSql(table, staging)}) w WHERE NOT w.${ident(IS_DELETION_COLUMN)}
    ON CONFLICT (${[...keys].map(ident).join(', ')}) DO UPDATE SET ${set.join(', ')}
    WHERE ${newerSql(table, 'EXCLUDED')} AND ${changed}`;
}

/** Applies the winning deletion markers: delete the row, or stamp `_tributary_deleted_at`. */
export function deleteSql(table: StreamTable, staging: string, policy: 'hard' | 'soft'): string {
  const target = qualified(table.schema, table.target);
  const winners = `(${winnersSql(table, staging)}) w`;
  const where = `${keyJoin(table, 'w')} AND w.${ident(IS_DELETION_COLUMN)} AND ${newerSql(table, 'w')}`;
  if (policy === 'hard') return `DELETE FROM ${target} AS t USING ${winners} WHERE ${where}`;
  const deletedAt = ident(METADATA_COLUMNS.deletedAt);
  return `UPDATE ${target} AS t SET ${deletedAt} = w.${deletedAt},
      ${ident(METADATA_COLUMNS.syncId)} = w.${ident(METADATA_COLUMNS.syncId)}
    FROM ${winners} WHERE ${where} AND t.${deletedAt} IS DISTINCT FROM w.${deletedAt}`;
}
