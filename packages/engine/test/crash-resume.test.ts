import { appendFileSync, rmSync } from 'node:fs';
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

// A crash between the destination's commit and the engine's store, simulated by losing the
// engine's store after a run: the destination's committed state is newer, and wins.
it("resumes from the destination's committed state with no duplicate", async () => {
  const file = path.join(dir, 'items.csv');
  writeCsv(
    file,
    'id,name',
    range(1, 5).map((id) => `${id},n${id}`),
  );
  const sync = csvSync(
    dir,
    { name: 'items', file, checkpoint: 2 },
    { sync_mode: 'incremental', cursor_field: 'id', destination_sync_mode: 'append' },
  );
  const statePath = path.join(dir, 'state.db');

  let store = new SqliteStateStore(statePath);
  expect((await runSync({ sync, store })).status).toBe('succeeded');
  await store.close();
  rmSync(statePath);
  rmSync(`${statePath}-wal`, { force: true });
  rmSync(`${statePath}-shm`, { force: true });

  appendFileSync(file, '6,n6\n7,n7\n');
  store = new SqliteStateStore(statePath);
  const events = new EngineEmitter();
  const logs: string[] = [];
  events.on('log', (e) => logs.push(e.message));
  const run2 = await runSync({ sync, store, events });
  expect(run2.status).toBe('succeeded');
  expect(run2.streams[0]?.read).toBe(2);
  expect(logs).toContain("resuming from the destination's committed state");
  const ids = query<{ id: number }>(dir, 'SELECT id FROM items ORDER BY id').map((r) => r.id);
  expect(ids).toEqual(range(1, 7));
  const [row] = await store.states('items_sync');
  expect((row?.state?.stream?.stream_state as { cursor?: number } | undefined)?.cursor).toBe(7);
  // Sequences keep growing past the destination's copy, so the next crash resolves too.
  expect(row?.sequence).toBeGreaterThan(3);
  await store.close();
});
