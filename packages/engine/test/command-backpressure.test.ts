import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runSync, SqliteStateStore } from '../src/index.js';
import { fixture } from './commands.js';
import { tempDir } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

// 400,000 records of ~80 bytes: 32 MB of lines. The buffers between the two children (two
// pipes, the engine's line queue and its 1 MiB of stdin slack, the adapter's own) hold a
// few tens of thousands of them; a source that is not held back hands out all 400,000
// while the destination still sleeps.
const RECORDS = 400_000;
const BOUND = 100_000;

it('a slow command destination holds a command source back: its lead stays bounded', async () => {
  const progress = path.join(dir, 'progress');
  const report = path.join(dir, 'report.json');
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  try {
    const result = await runSync({
      sync: {
        name: 'flood',
        source: {
          command: [process.execPath, fixture('flood-source.mjs')],
          config: { records: RECORDS, checkpoint: 50_000, progress_file: progress },
        },
        destination: {
          command: [process.execPath, fixture('slow-destination.mjs')],
          config: { pause_ms: 1500, progress_file: progress, report_file: report },
        },
        streams: [{ name: 'items', sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
      },
      store,
    });
    expect(result.status, result.error?.message).toBe('succeeded');
    const seen = JSON.parse(readFileSync(report, 'utf8')) as {
      producedBeforeFirstRead: number;
      maxAhead: number;
      consumed: number;
    };
    expect(seen.consumed).toBe(RECORDS);
    expect(seen.producedBeforeFirstRead, 'records handed out before the first read').toBeLessThan(
      BOUND,
    );
    expect(seen.maxAhead, 'largest lead of the source over the destination').toBeLessThan(BOUND);
    const states = await store.states('flood');
    expect(states[0]?.state?.stream?.stream_state).toEqual({ cursor: RECORDS });
  } finally {
    await store.close();
  }
});
