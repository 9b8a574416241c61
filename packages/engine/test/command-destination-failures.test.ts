import * as path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runSync, SqliteStateStore } from '../src/index.js';
import { fixture } from './commands.js';
import { tempDir } from './helpers.js';

// Each sync starts several real Node processes; a loaded machine needs time for them.
vi.setConfig({ testTimeout: 60_000 });

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

/** 10 records with a STATE every 2 into a destination that acknowledges 2 states, then fails. */
async function run(mode: 'throw' | 'kill') {
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  try {
    const result = await runSync({
      sync: {
        name: 'failing_destination',
        source: {
          command: [process.execPath, fixture('scripted-source.mjs')],
          config: { token: 't', records: 10, checkpoint: 2, mode: 'ok' },
        },
        destination: {
          command: [process.execPath, fixture('scripted-destination.mjs')],
          config: { acks: 2, mode },
        },
        streams: [{ name: 'items', sync_mode: 'incremental', destination_sync_mode: 'append' }],
      },
      store,
    });
    const states = await store.states('failing_destination');
    return { result, cursor: states[0]?.state?.stream?.stream_state };
  } finally {
    await store.close();
  }
}

it('a destination command that fails reports its TRACE error; state stays at its last ack', async () => {
  const { result, cursor } = await run('throw');
  expect(result.status).toBe('failed');
  expect(result.error?.message).toBe('the warehouse said no');
  expect(cursor).toEqual({ cursor: 4 });
});

it('a destination command killed mid-write fails the sync; state stays at its last ack', async () => {
  const { result, cursor } = await run('kill');
  expect(result.status).toBe('failed');
  expect(result.error?.message).toMatch(/^destination command '.*write' was killed by SIGKILL$/);
  expect(cursor).toEqual({ cursor: 4 });
});
