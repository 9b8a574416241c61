import * as path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EngineEmitter, runSync, SqliteStateStore } from '../src/index.js';
import { csvSync, query, range, tempDir, writeCsv } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

// Ctrl-C: the run stops, what the destination committed stays, and the state matches it.
it('a cancelled run keeps exactly the committed data with its state', async () => {
  writeCsv(
    path.join(dir, 'items.csv'),
    'id,name',
    range(1, 3000).map((id) => `${id},n`),
  );
  const sync = csvSync(
    dir,
    { name: 'items', file: path.join(dir, 'items.csv'), checkpoint: 100 },
    { sync_mode: 'incremental', cursor_field: 'id', destination_sync_mode: 'append' },
  );
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  const controller = new AbortController();
  const events = new EngineEmitter();
  events.on('state:committed', () => controller.abort());
  const run = await runSync({ sync, store, events, signal: controller.signal });
  expect(run.status).toBe('cancelled');
  expect(run.error?.code).toBe('cancelled');

  const [row] = await store.states('items_sync');
  const cursor = (row?.state?.stream?.stream_state as { cursor?: number } | undefined)?.cursor;
  const ids = query<{ id: number }>(dir, 'SELECT id FROM items ORDER BY id').map((r) => r.id);
  expect(cursor).toBeGreaterThanOrEqual(100);
  expect(cursor).toBeLessThan(3000);
  expect(ids).toEqual(range(1, cursor ?? 0));
  expect((await store.runs('items_sync'))[0]?.status).toBe('cancelled');

  const resumed = await runSync({ sync, store });
  expect(resumed.streams[0]?.read).toBe(3000 - (cursor ?? 0));
  const all = query<{ n: number }>(dir, 'SELECT count(DISTINCT id) AS n, count(*) AS c FROM items');
  expect(all).toEqual([{ n: 3000, c: 3000 }]);
  await store.close();
});
