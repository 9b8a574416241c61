import * as path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EngineEmitter, runSync, SqliteStateStore } from '../src/index.js';
import { MIN_RATE_ELAPSED_MS, rate } from '../src/sync/stream-run.js';
import { csvSync, tempDir, writeCsv } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

it('gives no rate until a stream has run 10 ms, then records per second', () => {
  expect([rate(113, 0), rate(113, 1), rate(113, 9)]).toEqual([null, null, null]);
  expect([rate(113, 10), rate(500, 250), rate(0, 1000)]).toEqual([11300, 2000, 0]);
});

it('reports no rate, not its record count, for a stream read in no time', async () => {
  const file = path.join(dir, 'few.csv');
  writeCsv(file, 'id', ['1', '2', '3']);
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  const events = new EngineEmitter();
  const progress: Array<number | null> = [];
  events.on('stream:progress', (e) => progress.push(e.recordsPerSecond));
  const run = await runSync({
    sync: csvSync(dir, { name: 'few', file }, {}),
    store,
    events,
  });
  await store.close();
  const [summary] = run.streams;
  expect(summary?.read).toBe(3);
  // Three records take well under 10 ms: no rate, where "3 records/s" would be wrong.
  expect(summary?.elapsedMs).toBeLessThan(MIN_RATE_ELAPSED_MS);
  expect(summary?.recordsPerSecond).toBeNull();
  expect(progress.at(-1)).toBeNull();
});
