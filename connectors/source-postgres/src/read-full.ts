import { type ConnectorContext, type Message, record, throwIfAborted } from '@tributary/core';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import { TEXT_ONLY } from './connection.js';
import { type Row, type StreamPlan, toData } from './plan.js';

/**
 * Reads a whole table through a server-side cursor, `fetchSize` rows per round trip, so memory
 * stays flat whatever the table's size. A full refresh has nothing to resume from, so it
 * emits no STATE: the destination commits at the end of the input. Yields one array of
 * RECORDs per page.
 */
export async function* readFullRefresh(
  client: pg.Client,
  plan: StreamPlan,
  fetchSize: number,
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  const sql = `SELECT ${plan.selectList} FROM ${plan.from}`;
  const cursor = client.query(new Cursor<Row>(sql, [], { rowMode: 'array', types: TEXT_ONLY }));
  try {
    for (;;) {
      throwIfAborted(ctx.signal);
      const rows = await cursor.read(fetchSize);
      if (rows.length === 0) break;
      const emittedAt = Date.now();
      const page: Message[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++)
        page[i] = record(plan.name, toData(plan, rows[i]!), emittedAt, plan.namespace);
      yield page;
    }
  } finally {
    await cursor.close();
  }
}
