import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chooseStates,
  EngineEmitter,
  loadConfig,
  runSync,
  SqliteStateStore,
  type SyncConfig,
} from '../src/index.js';
import { csvSync, exec, query, tempDir, writeCsv } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

const WHY =
  "two syncs writing a stream of the same name into one destination would overwrite each other's " +
  'state; give one of them a distinct stream name or namespace, or another destination ' +
  '(another database or database file)';

/** Sync `name` of stream `customers` from its own CSV into the shared warehouse.db. */
function customersSync(name: string, ids: number[]): SyncConfig {
  const file = path.join(dir, `${name}.csv`);
  writeCsv(
    file,
    'id,name',
    ids.map((id) => `${id},c${id}`),
  );
  const sync = csvSync(
    dir,
    { name: 'customers', file },
    {
      sync_mode: 'incremental',
      cursor_field: 'id',
      primary_key: 'id',
      destination_sync_mode: 'append_dedup',
      destination_table: `${name}_customers`,
    },
  );
  return { ...sync, name };
}

function destinationStates(): Array<{ stream_key: string; state: string }> {
  return query(dir, 'SELECT stream_key, state FROM _tributary_state ORDER BY stream_key');
}

describe('a stream of one name from two syncs into one destination', () => {
  it('stamps each state with its sync, in the destination and in the store', async () => {
    const store = new SqliteStateStore(path.join(dir, 'state.db'));
    const run = await runSync({ sync: customersSync('shop_a', [1, 2]), store });
    expect(run.status).toBe('succeeded');

    const [row] = destinationStates();
    expect(row?.stream_key).toBe('customers');
    expect(JSON.parse(row?.state ?? '{}')).toEqual({
      type: 'STREAM',
      stream: {
        stream_descriptor: { name: 'customers' },
        stream_state: { cursor: 2, keys_at_cursor: ['id=2'] },
      },
      tributary: { generation: 0, sequence: 1, sync: 'shop_a' },
    });
    const [saved] = await store.states('shop_a');
    expect(saved?.state?.tributary).toEqual({ generation: 0, sequence: 1, sync: 'shop_a' });
    await store.close();
  });

  it("fails the second sync before it reads, and leaves the first one's state alone", async () => {
    const store = new SqliteStateStore(path.join(dir, 'state.db'));
    expect((await runSync({ sync: customersSync('shop_a', [1, 2]), store })).status).toBe(
      'succeeded',
    );
    const before = destinationStates();

    const events = new EngineEmitter();
    const started: string[] = [];
    events.on('sync:start', (e) => started.push(e.sync));
    const second = runSync({
      sync: customersSync('shop_b', [3, 4, 5]),
      store,
      events,
      file: 'b.yaml',
    });
    const error = await second.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      "b.yaml: syncs 'shop_a' and 'shop_b' both write stream 'customers' into destination " +
        `'@tributary/destination-sqlite': ${WHY}`,
    );
    expect((error as ConfigError).context).toEqual({
      file: 'b.yaml',
      destination: '@tributary/destination-sqlite',
      stream: 'customers',
      syncs: ['shop_a', 'shop_b'],
    });

    expect(started).toEqual([]);
    expect(destinationStates()).toEqual(before);
    const tables = query<{ name: string }>(
      dir,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%customers'",
    );
    expect(tables.map((t) => t.name)).toEqual(['shop_a_customers']);
    expect(await store.states('shop_b')).toEqual([]);
    expect((await store.states('shop_a')).map((s) => s.state?.tributary)).toEqual([
      { generation: 0, sequence: 1, sync: 'shop_a' },
    ]);
    await store.close();
  });

  it('adopts an unstamped state of an older version as before', async () => {
    const statePath = path.join(dir, 'state.db');
    let store = new SqliteStateStore(statePath);
    const sync = customersSync('shop_a', [1, 2]);
    expect((await runSync({ sync, store })).status).toBe('succeeded');
    await store.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${statePath}${suffix}`, { force: true });
    exec(dir, "UPDATE _tributary_state SET state = json_remove(state, '$.tributary.sync')");

    writeCsv(path.join(dir, 'shop_a.csv'), 'id,name', ['1,c1', '2,c2', '3,c3']);
    store = new SqliteStateStore(statePath);
    const events = new EngineEmitter();
    const logs: string[] = [];
    events.on('log', (e) => logs.push(e.message));
    const run = await runSync({ sync, store, events });
    expect(run.status).toBe('succeeded');
    expect(run.streams[0]?.read).toBe(1);
    expect(logs).toContain("resuming from the destination's committed state");
    const ids = query<{ id: number }>(dir, 'SELECT id FROM shop_a_customers ORDER BY id');
    expect(ids.map((r) => r.id)).toEqual([1, 2, 3]);
    await store.close();
  });
});

describe('chooseStates', () => {
  const catalog = {
    streams: [
      {
        stream: {
          name: 'customers',
          json_schema: {},
          supported_sync_modes: ['incremental' as const],
        },
        sync_mode: 'incremental' as const,
        destination_sync_mode: 'append' as const,
      },
    ],
  };
  const state = (tributary: Record<string, unknown>) => ({
    type: 'STREAM' as const,
    stream: { stream_descriptor: { name: 'customers' }, stream_state: { cursor: 9 } },
    tributary: tributary as { generation: number; sequence: number },
  });

  it("never takes another sync's state, and lists it", () => {
    const other = state({ generation: 0, sequence: 7, sync: 'shop_a' });
    const chosen = chooseStates([], [other], catalog, 0, 'shop_b');
    expect(chosen).toEqual({
      states: [],
      fromDestination: [],
      maxSequence: 0,
      foreign: [{ stream: 'customers', sync: 'shop_a' }],
    });
  });

  it('takes its own state and an unstamped one', () => {
    for (const position of [
      { generation: 0, sequence: 7, sync: 'shop_b' },
      { generation: 0, sequence: 7 },
    ]) {
      const chosen = chooseStates([], [state(position)], catalog, 0, 'shop_b');
      expect(chosen.states).toEqual([state(position)]);
      expect(chosen.foreign).toEqual([]);
      expect(chosen.maxSequence).toBe(7);
    }
  });
});

describe('loadConfig', () => {
  const syncYaml = (name: string, db: string, namespace = '') => `
  - name: ${name}
    source: { package: '@tributary/source-file', config: { streams: [{ name: customers, path: ${name}.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: ${db} } }
    streams: [{ name: customers${namespace}, destination_table: ${name}_customers }]`;

  function load(text: string) {
    const file = path.join(dir, 'tributary.yaml');
    writeFileSync(file, `syncs:${text}\n`);
    return () => loadConfig(file, { cwd: dir, env: {} });
  }

  it('refuses two syncs of one destination that share a stream name', () => {
    const read = load(syncYaml('shop_a', 'wh.db') + syncYaml('shop_b', 'wh.db'));
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      `tributary.yaml: invalid config\n  syncs[1].streams[0].name: syncs 'shop_a' and 'shop_b' ` +
        `both write stream 'customers' into destination '@tributary/destination-sqlite': ${WHY}`,
    );
  });

  it('lets them be with another database file or another namespace', () => {
    expect(load(syncYaml('shop_a', 'wh.db') + syncYaml('shop_b', 'other.db'))().syncs).toHaveLength(
      2,
    );
    const spaced = load(
      syncYaml('shop_a', 'wh.db') + syncYaml('shop_b', 'wh.db', ', namespace: b'),
    );
    expect(spaced().syncs).toHaveLength(2);
  });
});
