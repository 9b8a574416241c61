import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import {
  type ConnectorLimits,
  EngineEmitter,
  runSync,
  SqliteStateStore,
  type SyncResult,
} from '../src/index.js';
import { fixture } from './commands.js';
import { tempDir } from './helpers.js';

// A sync that misses the fix waits for the wrapped program to exit by itself (15 s).
vi.setConfig({ testTimeout: 40_000 });

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  process.env.TREE_SOURCE_NODE = process.execPath;
});
afterEach(() => cleanup());

interface TreePids {
  shell: number;
  node: number;
}

/** A sync whose source is wrap.sh, a shell that runs tree-source.mjs as its child. */
async function run(
  mode: 'allocate' | 'wait',
  limits: ConnectorLimits,
  signal?: AbortSignal,
): Promise<{ result: SyncResult; seconds: number }> {
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  const started = Date.now();
  try {
    const result = await runSync({
      sync: {
        name: 'tree_sync',
        source: {
          command: [fixture('wrap.sh')],
          config: { mode, pid_file: path.join(dir, 'pids.json'), cap_mib: 200, seconds: 15 },
          limits,
        },
        destination: {
          package: '@tributary/destination-sqlite',
          config: { path: path.join(dir, 'warehouse.db') },
        },
        streams: [{ name: 'items', sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
      },
      store,
      events: new EngineEmitter(),
      ...(signal ? { signal } : {}),
    });
    return { result, seconds: (Date.now() - started) / 1000 };
  } finally {
    await store.close();
  }
}

function pids(): TreePids {
  return JSON.parse(readFileSync(path.join(dir, 'pids.json'), 'utf8')) as TreePids;
}

/** A process that exists and is not a zombie (nothing here reaps orphans). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

it('counts the memory of the program a wrapper script starts, and stops both', async () => {
  const { result, seconds } = await run('allocate', { memory_mib: 100 });
  expect(result.status).toBe('failed');
  expect(result.error?.message).toMatch(
    /^source command '.*wrap\.sh read' exceeded its memory limit \(memory_mib: 100; resident memory reached \d+ MiB\)$/,
  );
  expect(result.error?.context).toEqual({ limit: 'memory_mib', value: 100 });
  expect(result.error?.code).toBe('connector');
  expect(seconds).toBeLessThan(12);
  const { shell, node } = pids();
  expect({ shell: alive(shell), node: alive(node) }).toEqual({ shell: false, node: false });
});

it('stops the program a wrapper script starts at the time limit, without waiting for it', async () => {
  const { result, seconds } = await run('wait', { timeout_seconds: 1 });
  expect(result.status).toBe('failed');
  expect(result.error?.code).toBe('timeout');
  expect(result.error?.message).toMatch(
    /^source command '.*wrap\.sh read' ran past its time limit \(timeout_seconds: 1\)$/,
  );
  expect(seconds).toBeLessThan(8);
  const { shell, node } = pids();
  expect({ shell: alive(shell), node: alive(node) }).toEqual({ shell: false, node: false });
});

it('stops the whole tree when the run is aborted (Ctrl-C)', async () => {
  const controller = new AbortController();
  const pidFile = path.join(dir, 'pids.json');
  const abortOnceStarted = (async () => {
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await sleep(50);
    await sleep(100);
    controller.abort();
  })();
  const { result, seconds } = await run('wait', {}, controller.signal);
  await abortOnceStarted;
  expect(result.status).toBe('cancelled');
  expect(seconds).toBeLessThan(12);
  const { shell, node } = pids();
  expect({ shell: alive(shell), node: alive(node) }).toEqual({ shell: false, node: false });
});
