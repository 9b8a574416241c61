import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EngineEmitter, runSync, SqliteStateStore, type StreamSummary } from '../src/index.js';
import { range, tempDir, writeCsv } from './helpers.js';

const paced = fileURLToPath(new URL('./fixtures/paced-source/index.js', import.meta.url));
const PAUSE_MS = 600;

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

// Streams read one after another each get their own clock: the pause between them (the
// source opening its next file) belongs to neither, and rates are per stream.
it('times each stream from its first record to its last, not from the start of the sync', async () => {
  for (const name of ['a', 'b']) {
    writeCsv(
      path.join(dir, `${name}.csv`),
      'id,name',
      range(1, 500).map((id) => `${id},n`),
    );
  }
  const files = {
    streams: ['a', 'b'].map((name) => ({ name, path: path.join(dir, `${name}.csv`) })),
  };
  const sync = {
    name: 'paced',
    source: { package: paced, config: { pause_ms: PAUSE_MS, files } },
    destination: {
      package: '@tributary/destination-sqlite',
      config: { path: path.join(dir, 'warehouse.db') },
    },
    streams: [{ name: 'a' }, { name: 'b' }],
  };
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  const events = new EngineEmitter();
  const completed: StreamSummary[] = [];
  events.on('stream:complete', ({ summary }) => completed.push(summary));
  const run = await runSync({ sync, store, events });
  await store.close();

  expect(run.status).toBe('succeeded');
  expect(run.elapsedMs).toBeGreaterThanOrEqual(PAUSE_MS);
  const [a, b] = run.streams;
  expect([a?.stream, a?.read, b?.stream, b?.read]).toEqual(['a', 500, 'b', 500]);
  for (const summary of [a, b]) {
    expect(summary?.elapsedMs).toBeLessThan(run.elapsedMs - PAUSE_MS);
    expect(summary?.recordsPerSecond).toBe(
      summary && summary.elapsedMs >= 100
        ? Math.round((summary.read * 1000) / summary.elapsedMs)
        : null,
    );
  }
  expect(completed).toEqual(run.streams);
});
