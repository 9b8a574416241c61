import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type ConnectorRef, runSync, SqliteStateStore, type SyncConfig } from '../src/index.js';
import { commandOf, JAFFLE_DATA } from './commands.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const TABLES = ['customers', 'orders', 'payments'];

function jaffleSync(source: ConnectorRef, destination: ConnectorRef): SyncConfig {
  return {
    name: 'jaffle_shop',
    source,
    destination,
    streams: [
      { name: 'customers', destination_sync_mode: 'append_dedup', primary_key: 'id' },
      {
        name: 'orders',
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: 'order_date',
        primary_key: 'id',
      },
      { name: 'payments', destination_sync_mode: 'append', selected_fields: ['id', 'amount'] },
    ],
  };
}

const sourceConfig = {
  streams: [
    { name: 'customers', path: path.join(JAFFLE_DATA, 'raw_customers.csv'), primary_key: ['id'] },
    {
      name: 'orders',
      path: path.join(JAFFLE_DATA, 'raw_orders.csv'),
      primary_key: ['id'],
      cursor_field: 'order_date',
      checkpoint_interval: 20,
    },
    { name: 'payments', path: path.join(JAFFLE_DATA, 'raw_payments.csv'), primary_key: ['id'] },
  ],
};

/** Every row of a table, metadata columns that differ per run left out, in key order. */
function rows(db: string, table: string): unknown[] {
  const handle = new Database(db, { readonly: true });
  try {
    return handle
      .prepare(`SELECT * FROM "${table}" ORDER BY id`)
      .all()
      .map((row) => {
        const { _tributary_extracted_at, _tributary_sync_id, ...data } = row as Record<
          string,
          unknown
        >;
        return data;
      });
  } finally {
    handle.close();
  }
}

async function syncInto(name: string, out: 'package' | 'command'): Promise<string> {
  const db = path.join(dir, `${name}.db`);
  const source: ConnectorRef =
    out === 'package'
      ? { package: '@tributary/source-file', config: sourceConfig }
      : commandOf('@tributary/source-file', sourceConfig);
  const destination: ConnectorRef =
    out === 'package'
      ? { package: '@tributary/destination-sqlite', config: { path: db } }
      : commandOf('@tributary/destination-sqlite', { path: db });
  const store = new SqliteStateStore(path.join(dir, `${name}-state.db`));
  try {
    const result = await runSync({ sync: jaffleSync(source, destination), store });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');
    expect(result.streams.map((s) => [s.stream, s.read, s.committed])).toEqual([
      ['customers', 100, 100],
      ['orders', 99, 99],
      ['payments', 113, 113],
    ]);
    const [orders] = (await store.states('jaffle_shop')).filter((s) => s.stream === 'orders');
    expect(orders?.state?.stream?.stream_state).toMatchObject({ cursor: '2018-04-09' });
  } finally {
    await store.close();
  }
  return db;
}

it('gives the same jaffle_shop tables, row by row, in process and as child processes', async () => {
  const inProcess = await syncInto('in-process', 'package');
  const outOfProcess = await syncInto('out-of-process', 'command');
  for (const table of TABLES) {
    const expected = rows(inProcess, table);
    expect(expected.length).toBeGreaterThan(0);
    expect(rows(outOfProcess, table)).toEqual(expected);
  }
  expect(rows(outOfProcess, 'payments')[0]).toEqual({
    id: 1,
    amount: 1000,
    _tributary_deleted_at: null,
  });
}, 60_000);
