import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import {
  type ConnectorRef,
  EngineEmitter,
  type LogEvent,
  runSync,
  SqliteStateStore,
  type SyncConfig,
} from '../src/index.js';
import { commandOf, fixture } from './commands.js';
import { query, range, tempDir } from './helpers.js';

// Each sync starts several real Node processes; a loaded machine needs time for them.
vi.setConfig({ testTimeout: 60_000 });

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const SOURCE = fixture('scripted-source.mjs');
const TOKEN = 'hunter2-secret';

function scripted(
  mode: string,
  extra: Record<string, unknown> = {},
  ref: Partial<ConnectorRef> = {},
) {
  return {
    command: [process.execPath, SOURCE],
    config: { token: TOKEN, records: 10, checkpoint: 4, mode, ...extra },
    ...ref,
  } satisfies ConnectorRef;
}

function itemsSync(source: ConnectorRef): SyncConfig {
  return {
    name: 'items_sync',
    source,
    destination: commandOf('@tributary/destination-sqlite', {
      path: path.join(dir, 'warehouse.db'),
    }),
    streams: [{ name: 'items', sync_mode: 'incremental', destination_sync_mode: 'append' }],
  };
}

async function run(source: ConnectorRef, events = new EngineEmitter()) {
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  try {
    const result = await runSync({ sync: itemsSync(source), store, events });
    const states = await store.states('items_sync');
    const cursor = (states[0]?.state?.stream?.stream_state as { cursor?: number } | undefined)
      ?.cursor;
    return { result, cursor };
  } finally {
    await store.close();
  }
}

/** Events that write the source's go file once `commits` states are committed. */
function goAfter(commits: number): { events: EngineEmitter; go: string } {
  const go = path.join(dir, 'go');
  const events = new EngineEmitter();
  let seen = 0;
  events.on('state:committed', () => {
    if (++seen === commits) writeFileSync(go, '');
  });
  return { events, go };
}

function ids(): number[] {
  return query<{ id: number }>(dir, 'SELECT id FROM items ORDER BY id').map((r) => r.id);
}

it('runs a command source into a command destination and keeps its state', async () => {
  const { result, cursor } = await run(scripted('ok'));
  expect(result.status).toBe('succeeded');
  expect(ids()).toEqual(range(1, 10));
  expect(cursor).toBe(8);
});

it('fails on a malformed stdout line, naming its line number', async () => {
  const { events, go } = goAfter(2);
  const { result, cursor } = await run(scripted('malformed', { go_file: go }), events);
  expect(result.status).toBe('failed');
  expect(result.error?.code).toBe('connector');
  expect(result.error?.message).toMatch(
    /^source command '.*scripted-source\.mjs read' stdout, line 13: not JSON: this is not a protocol message$/,
  );
  // 10 records and 2 states came first; what the destination committed stays.
  expect(cursor).toBe(8);
  expect(ids()).toEqual(range(1, 8));
});

it('fails with the last TRACE error of a source that exits non-zero, state kept', async () => {
  const { events, go } = goAfter(2);
  const { result, cursor } = await run(scripted('exit', { go_file: go }), events);
  expect(result.status).toBe('failed');
  expect(result.error?.message).toBe('upstream said no');
  // A system error without a code is the connector's failure, not a bug of ours.
  expect(result.error?.code).toBe('connector');
  expect(cursor).toBe(8);
  expect(ids()).toEqual(range(1, 8));
});

it('keeps the last committed state when the source is killed with SIGKILL', async () => {
  const { events, go } = goAfter(1);
  const { result, cursor } = await run(scripted('kill', { go_file: go }), events);
  expect(result.status).toBe('failed');
  expect(result.error?.message).toMatch(/^source command '.*read' was killed by SIGKILL$/);
  expect(result.error?.code).toBe('connector');
  // The record after the first state (id 999) was never committed.
  expect(cursor).toBe(4);
  expect(ids()).toEqual(range(1, 4));
});

it('stops a command at its time limit and says which limit', async () => {
  const { result } = await run(scripted('hang', {}, { limits: { timeout_seconds: 1 } }));
  expect(result.status).toBe('failed');
  expect(result.error?.code).toBe('timeout');
  expect(result.error?.message).toMatch(
    /^source command '.*scripted-source\.mjs read' ran past its time limit \(timeout_seconds: 1\)$/,
  );
});

it('stops a Node command at its heap limit and says which limit', async () => {
  const { result } = await run(scripted('allocate', {}, { limits: { memory_mib: 32 } }));
  expect(result.status).toBe('failed');
  expect(result.error?.message).toMatch(
    /^source command '.*read' exceeded its memory limit \(memory_mib: 32; Node heap limit reached\)$/,
  );
  expect(result.error?.context).toEqual({ limit: 'memory_mib', value: 32 });
  expect(result.error?.code).toBe('connector');
});

it('stops any other executable at its resident memory limit', async () => {
  const source: ConnectorRef = { command: [fixture('memory-hog.py')], limits: { memory_mib: 64 } };
  const { result } = await run(source);
  expect(result.status).toBe('failed');
  expect(result.error?.message).toMatch(
    /^source command '.*memory-hog\.py read' exceeded its memory limit \(memory_mib: 64; resident memory reached \d+ MiB\)$/,
  );
});

it('turns stderr lines into redacted log events', async () => {
  const events = new EngineEmitter();
  const logs: LogEvent[] = [];
  events.on('log', (e) => logs.push(e));
  const { result } = await run(scripted('stderr'), events);
  expect(result.status).toBe('succeeded');
  const fromSource = logs.filter((e) => e.component === 'source');
  expect(fromSource).toContainEqual({
    level: 'warn',
    component: 'source',
    message: 'connected with token **********',
    meta: { attempt: 1 },
  });
  expect(fromSource).toContainEqual({
    level: 'warn',
    component: 'source',
    message: 'plain text from the connector',
    meta: { stream: 'stderr' },
  });
  expect(JSON.stringify(logs)).not.toContain(TOKEN);
});
