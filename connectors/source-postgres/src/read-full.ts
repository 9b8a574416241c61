import { type ConnectorContext, type Message, record, throwIfAborted } from '@tributary/core';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { TEXT_ONLY } from './connection.js';
import { type Row, type StreamPlan, toData } from './plan.js';

/**
 * Reads a whole table through a server-side cursor, `fetchSize` rows per round trip, so memory
 * stays flat whatever the table's size. A full refresh has nothing to resume from, so it
 * emits no STATE: the destination commits at the end of the input. Yields one array of
 * RECORDs per page, and asks for the next page before handing out this one: the server
 * reads it while the records are written, instead of both sides taking turns.
 */
export async function* readFullRefresh(
  client: pg.Client,
  plan: StreamPlan,
  fetchSize: number,
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  const sql = `SELECT ${plan.selectList} FROM ${plan.from}`;
  const cursor = client.query(new Cursor<Row>(sql, [], { rowMode: 'array', types: TEXT_ONLY }));
  const fetch = () => {
    const pending = cursor.read(fetchSize);
    pending.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    return pending;
  };
  let next: Promise<Row[]> | undefined = fetch();
  try {
    while (next) {
      throwIfAborted(ctx.signal);
      const rows: Row[] = await next;
      next = undefined;
      if (rows.length === 0) break;
      // A short page is the last: the cursor has nothing more to send.
      if (rows.length === fetchSize) next = fetch();
      const emittedAt = Date.now();
      const page: Message[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++)
        page[i] = record(plan.name, toData(plan, rows[i]!), emittedAt, plan.namespace);
      yield page;
    }
  } finally {
    // The page asked for ahead is settled before the cursor closes.
    if (next) await next.catch(() => {});
    await cursor.close();
  }
}
