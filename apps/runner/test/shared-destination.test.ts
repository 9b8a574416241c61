import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { demoCwd, query, tributary } from './helpers.js';

let cwd: string;
let cleanup: () => void;
beforeEach(() => {
  ({ cwd, cleanup } = demoCwd());
  writeFileSync(path.join(cwd, 'a.csv'), 'id,name\n1,ann\n2,bob\n');
  writeFileSync(path.join(cwd, 'b.csv'), 'id,name\n10,cy\n11,dee\n12,eve\n');
});
afterEach(() => cleanup());

const WHY =
  "two syncs writing a stream of the same name into one destination would overwrite each other's " +
  'state; give one of them a distinct stream name or namespace, or another destination ' +
  '(another database or database file)';
const CLASH =
  "syncs 'shop_a' and 'shop_b' both write stream 'customers' into destination " +
  `'@tributary/destination-sqlite': ${WHY}`;

/** Sync `shop_x` of stream `customers` from x.csv into wh.db's table x_customers. */
function syncYaml(shop: 'a' | 'b'): string {
  return `
  - name: shop_${shop}
    source:
      package: '@tributary/source-file'
      config: { streams: [{ name: customers, path: ${shop}.csv, primary_key: [id] }] }
    destination: { package: '@tributary/destination-sqlite', config: { path: wh.db } }
    streams:
      - name: customers
        sync_mode: incremental
        cursor_field: id
        primary_key: id
        destination_sync_mode: append_dedup
        destination_table: ${shop}_customers`;
}

function write(file: string, ...shops: Array<'a' | 'b'>): void {
  writeFileSync(path.join(cwd, file), `syncs:${shops.map(syncYaml).join('')}\n`);
}

/** What wh.db holds: its tables' rows and its `_tributary_state` rows. */
function warehouse() {
  const db = path.join(cwd, 'wh.db');
  const tables = query<{ name: string }>(
    db,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_customers'",
  ).map((t) => t.name);
  const states = query<{ stream_key: string; state: string }>(
    db,
    'SELECT stream_key, state FROM _tributary_state',
  ).map((row) => ({ stream: row.stream_key, state: JSON.parse(row.state) }));
  const ids = query<{ id: number }>(db, 'SELECT id FROM a_customers ORDER BY id').map((r) => r.id);
  return { tables, states, ids };
}

const SHOP_A_STATE = {
  stream: 'customers',
  state: {
    type: 'STREAM',
    stream: {
      stream_descriptor: { name: 'customers' },
      stream_state: { cursor: 2, keys_at_cursor: ['id=2'] },
    },
    tributary: { generation: 0, sequence: 1, sync: 'shop_a' },
  },
};

function stateShow(file: string): unknown {
  const run = tributary(cwd, ['state', 'show', '--file', file, '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

it('refuses two syncs of one file sharing a stream name in one destination, before any runs', () => {
  write('a.yaml', 'a');
  expect(tributary(cwd, ['sync', 'a.yaml']).code).toBe(0);
  const before = warehouse();
  expect(before).toEqual({ tables: ['a_customers'], states: [SHOP_A_STATE], ids: [1, 2] });

  write('f.yaml', 'a', 'b');
  const run = tributary(cwd, ['sync', 'f.yaml']);
  expect(run.stderr).toBe(`error: f.yaml: invalid config\n  syncs[1].streams[0].name: ${CLASH}\n`);
  expect(run.code).toBe(2);
  expect(warehouse()).toEqual(before);
  expect(stateShow('a.yaml')).toMatchObject([{ sync: 'shop_a', stream: 'customers' }]);
  const runs = tributary(cwd, ['runs', '--file', 'a.yaml', '--json']);
  expect(JSON.parse(runs.stdout)).toHaveLength(1);
});

it("fails a sync of another file whose destination holds another sync's stream of that name", () => {
  write('a.yaml', 'a');
  write('b.yaml', 'b');
  expect(tributary(cwd, ['sync', 'a.yaml']).code).toBe(0);
  const before = warehouse();

  const run = tributary(cwd, ['sync', 'b.yaml']);
  expect(run.stderr).toBe(`error: b.yaml: ${CLASH}\n`);
  expect(run.code).toBe(2);
  expect(warehouse()).toEqual(before);
  expect(stateShow('a.yaml')).toMatchObject([{ sync: 'shop_a', stream: 'customers' }]);
  expect(
    (stateShow('b.yaml') as Array<{ sync: string }>).filter((s) => s.sync === 'shop_b'),
  ).toEqual([]);
});
