import { type Message, throwIfAborted } from '@tributary/core';
import type { PlannedColumn, Row } from './plan.js';
import { toData } from './plan.js';
import { Checkpointer, type IncrementalRead, queryRows } from './read-incremental.js';
import type { CursorState } from './state.js';
import { toParameter } from './values.js';

/**
 * Keyset pages in (cursor, primary key) order: each page is its own short query
 * `WHERE cursor <= upper AND (cursor, key) > (last cursor, last key) ORDER BY cursor, key`.
 * The (cursor, key) pair is unique, so a page boundary or a checkpoint that falls between
 * rows sharing one cursor value neither repeats nor skips any of them, and no transaction or
 * snapshot is held open between pages.
 */
export async function* keysetRead(read: IncrementalRead): AsyncGenerator<Message[]> {
  const { plan, cursor, keys, previous, ctx } = read;
  const tieKeys = keys.filter((k) => k.info.name !== cursor.info.name);
  const order = [cursor, ...tieKeys];
  const orderSql = order.map((c) => c.sql).join(', ');
  const indexOf = (c: PlannedColumn) => plan.columns.indexOf(c);
  const cast = (n: number, c: PlannedColumn) => `$${n}::${c.info.castType}`;
  const upper = `${cursor.sql} <= ${cast(1, cursor)}`;
  const tuple = `(${orderSql}) > (${order.map((c, i) => cast(i + 2, c)).join(', ')})`;

  let where = upper;
  let lower: unknown[] = [];
  if (previous) {
    const lastPk = previous.last_pk;
    if (lastPk && lastPk.length === keys.length) {
      where = `${upper} AND ${tuple}`;
      lower = [
        toParameter(previous.cursor, cursor.logical),
        ...tieKeys.map((k) => toParameter(lastPk[keys.indexOf(k)], k.logical)),
      ];
    } else {
      // A state without the key of its last record (written by an older version or by hand):
      // re-read the rows at that cursor value rather than risk losing some.
      where = `${upper} AND ${cursor.sql} >= ${cast(2, cursor)}`;
      lower = [toParameter(previous.cursor, cursor.logical)];
    }
  }

  const checkpointer = new Checkpointer(read);
  let position: CursorState | undefined;
  for (;;) {
    throwIfAborted(ctx.signal);
    const sql =
      `SELECT ${plan.selectList} FROM ${plan.from} WHERE ${where} ` +
      `ORDER BY ${orderSql} LIMIT ${read.fetchSize}`;
    ctx.logger.debug('incremental page', {
      stream: plan.name,
      lower_bound: lower[0] ?? null,
      upper_bound: read.upperBound,
    });
    const rows: Row[] = await queryRows(read.client, sql, [read.upperBound, ...lower]);
    const page: Message[] = [];
    for (const row of rows) {
      const data = toData(plan, row);
      const at: CursorState = {
        cursor_field: [cursor.info.name],
        cursor: data[cursor.info.name],
        last_pk: keys.map((k) => data[k.info.name]),
      };
      position = at;
      for (const message of checkpointer.emit(data, () => at)) page.push(message);
    }
    if (page.length > 0) yield page;
    if (rows.length < read.fetchSize) break;
    // The next page starts strictly after the last row, by the server's own text of its values.
    const last = rows[rows.length - 1] as Row;
    where = `${upper} AND ${tuple}`;
    lower = order.map((c) => last[indexOf(c)]);
  }
  yield [...checkpointer.finish(() => position)];
}
