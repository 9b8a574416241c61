import { appendFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runSync, SqliteStateStore } from '../src/index.js';
import { csvSync, query, tempDir, writeCsv } from './helpers.js';

let dir: string;
let cleanup: () => void;
let store: SqliteStateStore;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = new SqliteStateStore(path.join(dir, 'state.db'));
});
afterEach(async () => {
  await store.close();
  cleanup();
});

// BR-10: the cursor keeps its number type through the engine's store: 11 beats 9.
it('BR-10: keeps cursor 11 as a number, then run 2 emits only seq 12', async () => {
  const file = path.join(dir, 'events.csv');
  writeCsv(file, 'seq,kind', ['1,open', '9,click', '10,click', '11,close']);
  const sync = csvSync(
    dir,
    { name: 'events', file },
    { sync_mode: 'incremental', cursor_field: 'seq', destination_sync_mode: 'append' },
  );
  const cursor = async () => {
    const [row] = await store.states('events_sync');
    return (row?.state?.stream?.stream_state as { cursor?: unknown } | undefined)?.cursor;
  };

  const run1 = await runSync({ sync, store });
  expect(run1.status).toBe('succeeded');
  expect(await cursor()).toBe(11);

  appendFileSync(file, '12,open\n');
  const run2 = await runSync({ sync, store });
  expect(run2.streams[0]?.read).toBe(1);
  expect(await cursor()).toBe(12);
  const seqs = query<{ seq: number }>(dir, 'SELECT seq FROM events ORDER BY seq');
  expect(seqs.map((r) => r.seq)).toEqual([1, 9, 10, 11, 12]);
});
