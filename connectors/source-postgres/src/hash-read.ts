import { createHash } from 'node:crypto';
import { compareValues, type Message, throwIfAborted } from '@tributary/core';
import Cursor from 'pg-cursor';
import { TEXT_ONLY } from './connection.js';
import { type Row, toData } from './plan.js';
import { Checkpointer, type IncrementalRead } from './read-incremental.js';
import type { CursorState } from './state.js';
import { toParameter } from './values.js';

function recordHash(data: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

/**
 * Incremental read of a stream without a primary key: one server-side cursor ordered by the
 * cursor column, lower bound inclusive. Rows that share the last cursor value cannot be told
 * apart by a key, so the state keeps a hash of each record already sent at that value and a
 * resumed read skips exactly those (duplicates counted, so two equal rows stay two).
 */
export async function* hashRead(read: IncrementalRead): AsyncGenerator<Message[]> {
  const { plan, cursor, previous, ctx } = read;
  const field = cursor.info.name;
  const params: unknown[] = [read.upperBound];
  let where = `${cursor.sql} <= $1::${cursor.info.castType}`;
  if (previous) {
    params.push(toParameter(previous.cursor, cursor.logical));
    where += ` AND ${cursor.sql} >= $2::${cursor.info.castType}`;
  }
  ctx.logger.debug('incremental read', {
    stream: plan.name,
    lower_bound: params[1] ?? null,
    upper_bound: read.upperBound,
  });

  const skip = new Map<string, number>();
  for (const h of previous?.sent_at_cursor ?? []) skip.set(h, (skip.get(h) ?? 0) + 1);
  let current: unknown = previous?.cursor;
  let sentAtCurrent: string[] = [...(previous?.sent_at_cursor ?? [])];
  let emitted = false;
  const snapshot = (): CursorState => ({
    cursor_field: [field],
    cursor: current,
    sent_at_cursor: [...sentAtCurrent],
  });

  const sql = `SELECT ${plan.selectList} FROM ${plan.from} WHERE ${where} ORDER BY ${cursor.sql}`;
  const stream = read.client.query(
    new Cursor<Row>(sql, params, { rowMode: 'array', types: TEXT_ONLY }),
  );
  const checkpointer = new Checkpointer(read);
  try {
    for (;;) {
      throwIfAborted(ctx.signal);
      const rows = await stream.read(read.fetchSize);
      if (rows.length === 0) break;
      const page: Message[] = [];
      for (const row of rows) {
        const data = toData(plan, row);
        const value = data[field];
        const hash = recordHash(data);
        const atPrevious =
          previous !== undefined && compareValues(value, previous.cursor, cursor.logical) === 0;
        const pending = skip.get(hash) ?? 0;
        if (atPrevious && pending > 0) {
          skip.set(hash, pending - 1);
          continue;
        }
        if (current === undefined || compareValues(value, current, cursor.logical) !== 0) {
          current = value;
          sentAtCurrent = [];
        }
        sentAtCurrent.push(hash);
        emitted = true;
        for (const message of checkpointer.emit(data, snapshot)) page.push(message);
      }
      if (page.length > 0) yield page;
    }
  } finally {
    await stream.close();
  }
  yield [...checkpointer.finish(() => (emitted ? snapshot() : undefined))];
}
