import { METADATA_COLUMNS } from '@tributary/core';
import type { Connection } from 'mysql2/promise';
import { quoteId } from './sql.js';

/** The columns a merge from the staging table works with. */
export interface MergeShape {
  target: string;
  stage: string;
  keyColumns: string[];
  /** Data columns that are not part of the key (the cursor column among them). */
  dataColumns: string[];
  cursorColumn: string | undefined;
  deletePolicy: 'hard' | 'soft';
}

const M = METADATA_COLUMNS;

/**
 * Merges the staged rows (one per key, already deduplicated) into the target: markers (rows
 * whose `_tributary_deleted_at` is set) delete or soft-delete, live rows update or insert.
 * Each statement only touches rows whose cursor is not newer than the staged one, so the
 * greatest cursor wins and a tie goes to the staged (later) record. Right-hand sides read
 * the staging table only, so no assignment sees another's result, whatever their order.
 */
export async function mergeStage(conn: Connection, shape: MergeShape): Promise<void> {
  const t = quoteId(shape.target);
  const s = quoteId(shape.stage);
  const on = shape.keyColumns.map((c) => `t.${quoteId(c)} = s.${quoteId(c)}`).join(' AND ');
  const wins = cursorWins(shape.cursorColumn);
  const marker = `s.${quoteId(M.deletedAt)} IS NOT NULL`;

  if (shape.deletePolicy === 'hard') {
    await conn.query(`DELETE t FROM ${t} t JOIN ${s} s ON ${on} WHERE ${marker} AND ${wins}`);
  } else {
    const cursorSet = shape.cursorColumn
      ? `, t.${quoteId(shape.cursorColumn)} = s.${quoteId(shape.cursorColumn)}`
      : '';
    await conn.query(
      `UPDATE ${t} t JOIN ${s} s ON ${on}
        SET t.${quoteId(M.deletedAt)} = s.${quoteId(M.deletedAt)},
          t.${quoteId(M.extractedAt)} = s.${quoteId(M.extractedAt)},
          t.${quoteId(M.syncId)} = s.${quoteId(M.syncId)}${cursorSet}
        WHERE ${marker} AND ${wins}
          AND NOT (t.${quoteId(M.deletedAt)} <=> s.${quoteId(M.deletedAt)})`,
    );
  }

  const live = `s.${quoteId(M.deletedAt)} IS NULL`;
  const changed = [
    `t.${quoteId(M.deletedAt)} IS NOT NULL`,
    ...shape.dataColumns.map((c) => `NOT (t.${quoteId(c)} <=> s.${quoteId(c)})`),
  ].join(' OR ');
  const sets = [...shape.dataColumns, M.extractedAt, M.syncId]
    .map((c) => `t.${quoteId(c)} = s.${quoteId(c)}`)
    .concat(`t.${quoteId(M.deletedAt)} = NULL`)
    .join(', ');
  await conn.query(
    `UPDATE ${t} t JOIN ${s} s ON ${on} SET ${sets} WHERE ${live} AND ${wins} AND (${changed})`,
  );

  const all = [...shape.keyColumns, ...shape.dataColumns, M.extractedAt, M.syncId, M.deletedAt];
  const cols = all.map(quoteId).join(', ');
  await conn.query(
    `INSERT INTO ${t} (${cols}) SELECT ${all.map((c) => `s.${quoteId(c)}`).join(', ')}
      FROM ${s} s WHERE ${live} AND NOT EXISTS (SELECT 1 FROM ${t} t WHERE ${on})`,
  );
  await conn.query(`DELETE FROM ${s}`);
}

/** The staged row wins over the target's when its cursor is not smaller (null is smallest). */
function cursorWins(cursorColumn: string | undefined): string {
  if (!cursorColumn) return 'TRUE';
  const c = quoteId(cursorColumn);
  return `(t.${c} IS NULL OR (s.${c} IS NOT NULL AND s.${c} >= t.${c}))`;
}

/** (Re)creates the session's staging table with the target's columns and key. */
export async function createStage(conn: Connection, stage: string, target: string): Promise<void> {
  await conn.query(`DROP TEMPORARY TABLE IF EXISTS ${quoteId(stage)}`);
  await conn.query(`CREATE TEMPORARY TABLE ${quoteId(stage)} LIKE ${quoteId(target)}`);
}
