import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AirbyteRecord, parseAirbyteMessage } from 'faros-airbyte-cdk';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runSync, SqliteStateStore, type SyncConfig } from '../src/index.js';
import { binOf, fixture } from './commands.js';
import { query, range, tempDir, writeCsv } from './helpers.js';

// Each sync starts several real Node processes; a loaded machine needs time for them.
vi.setConfig({ testTimeout: 60_000 });

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function farosSync(count: number): SyncConfig {
  return {
    name: 'faros_items',
    source: { command: ['node', fixture('faros-source.cjs')], config: { count } },
    destination: {
      package: '@tributary/destination-sqlite',
      config: { path: path.join(dir, 'warehouse.db') },
    },
    streams: [{ name: 'items', sync_mode: 'incremental', destination_sync_mode: 'append' }],
  };
}

it('runs a faros-airbyte-cdk source as a command into our SQLite destination, resuming from its legacy state', async () => {
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  try {
    const first = await runSync({ sync: farosSync(5), store });
    expect(first.error).toBeUndefined();
    expect(first.streams.map((s) => [s.stream, s.read, s.committed])).toEqual([['items', 5, 5]]);
    const [saved] = await store.states('faros_items');
    // The CDK's legacy form: no type, a `data` blob keyed by stream; its envelope's extra
    // `sourceStatus` field is not part of the state.
    expect(saved?.stream).toBe('__global__');
    expect(saved?.state).toEqual({
      data: { items: { cutoff: 5 } },
      tributary: { generation: saved?.generation, sequence: saved?.sequence, sync: 'faros_items' },
    });

    // The second run hands the blob back as the CDK reads it: only ids 6 and 7 are new.
    const second = await runSync({ sync: farosSync(7), store });
    expect(second.error).toBeUndefined();
    expect(second.streams[0]?.read).toBe(2);
  } finally {
    await store.close();
  }
  const rows = query<{ id: number; name: string }>(dir, 'SELECT id, name FROM items ORDER BY id');
  expect(rows).toEqual(range(1, 7).map((id) => ({ id, name: `item ${id}` })));
});

it("writes our source-file command's output so the faros CDK's parseAirbyteMessage accepts it", () => {
  const csv = path.join(dir, 'people.csv');
  writeCsv(csv, 'id,name', ['1,Ada', '2,Grace']);
  const config = path.join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ streams: [{ name: 'people', path: csv }] }));
  const bin = binOf('@tributary/source-file');
  const discover = spawnSync(process.execPath, [bin, 'discover', '--config', config], {
    encoding: 'utf8',
  });
  const catalogMessage = parseAirbyteMessage(discover.stdout.trim()) as unknown as {
    type: string;
    catalog: { streams: Array<Record<string, unknown>> };
  };
  expect(catalogMessage.type).toBe('CATALOG');
  const stream = catalogMessage.catalog.streams[0]!;
  const catalog = path.join(dir, 'catalog.json');
  writeFileSync(
    catalog,
    JSON.stringify({
      streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
    }),
  );

  const read = spawnSync(
    process.execPath,
    [bin, 'read', '--config', config, '--catalog', catalog],
    { encoding: 'utf8' },
  );
  expect(read.status).toBe(0);
  const messages = read.stdout
    .trim()
    .split('\n')
    .map((line) => parseAirbyteMessage(line));
  const records = messages.filter((m) => m instanceof AirbyteRecord);
  expect(records.map((r) => [r.record.stream, r.record.data])).toEqual([
    ['people', { id: 1, name: 'Ada' }],
    ['people', { id: 2, name: 'Grace' }],
  ]);
  expect(records.every((r) => typeof r.record.emitted_at === 'number')).toBe(true);
  expect(messages.at(-1)?.type).toBe('STATE');
});
