import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, demoCwd, query, tributary } from './helpers.js';

const DEMO = 'examples/jaffle-shop/tributary.yaml';

if (!existsSync(BIN)) throw new Error(`build the runner first: ${BIN} is missing`);

describe('tributary sync on the jaffle-shop demo', () => {
  let cwd: string;
  let cleanup: () => void;
  let warehouse: string;
  beforeAll(() => {
    ({ cwd, cleanup } = demoCwd());
    warehouse = path.join(cwd, '.tributary/warehouse.db');
  });
  afterAll(() => cleanup());

  const tables = () =>
    ['customers', 'orders', 'payments'].map((t) =>
      query<Record<string, unknown>>(warehouse, `SELECT * FROM "${t}" ORDER BY id`),
    );

  it('loads customers (100), orders (99) and payments (113, sum 167200)', () => {
    const run = tributary(cwd, ['sync', DEMO]);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(query(warehouse, 'SELECT count(*) AS n FROM customers')).toEqual([{ n: 100 }]);
    expect(query(warehouse, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 99 }]);
    expect(query(warehouse, 'SELECT count(*) AS n, sum(amount) AS s FROM payments')).toEqual([
      { n: 113, s: 167200 },
    ]);
    expect(run.stdout).toMatch(/orders\s+99\s+99\s+0\s+(\d+|—)\s+succeeded/);
  });

  it('reads 0 new orders on a second run and leaves every table as it was', () => {
    const before = tables();
    const run = tributary(cwd, ['sync', DEMO]);
    expect(run.code).toBe(0);
    // Nothing read, no time taken: no rate rather than a made-up one.
    expect(run.stdout).toMatch(/orders\s+0\s+0\s+0\s+—\s+succeeded/);
    expect(tables()).toEqual(before);
  });

  it('shows state and run history', () => {
    const state = tributary(cwd, ['state', 'show', '--file', DEMO, '--json']);
    expect(state.code).toBe(0);
    const rows = JSON.parse(state.stdout) as Array<{
      stream: string;
      state: { stream: { stream_state: unknown } };
    }>;
    const orders = rows.find((r) => r.stream === 'orders');
    expect(orders?.state.stream.stream_state).toEqual({
      cursor: '2018-04-09',
      keys_at_cursor: ['id=99'],
    });

    const runs = tributary(cwd, ['runs', '--json']);
    const history = JSON.parse(runs.stdout) as Array<{
      status: string;
      counts: Record<string, { read: number }>;
    }>;
    expect(history.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(history.map((r) => r.counts.orders?.read)).toEqual([0, 99]);
  });

  it('prints one JSON object per line with --json', () => {
    const run = tributary(cwd, ['sync', DEMO, '--json']);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual([
        'component',
        'event',
        'level',
        'message',
        'meta',
        'time',
      ]);
    const events = lines.map((l) => l.event);
    expect(events[0]).toBe('sync:start');
    expect(events.at(-1)).toBe('sync:complete');
    expect(events.filter((e) => e === 'state:committed')).toHaveLength(3);
  });

  it('resets the orders state, then reads all 99 orders again without duplicates', () => {
    const reset = tributary(cwd, ['state', 'reset', 'jaffle_shop', 'orders', '--file', DEMO]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toBe(
      "state of stream 'orders' of sync 'jaffle_shop' reset (generation 1)\n",
    );
    const shown = tributary(cwd, ['state', 'show', 'jaffle_shop', '--file', DEMO]);
    expect(shown.stdout).toMatch(/orders\s+1\s+\d+\s+\(reset\)/);

    const run = tributary(cwd, ['sync', DEMO]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/orders\s+99\s+99\s+0\s+(\d+|—)\s+succeeded/);
    expect(run.stdout).toMatch(/customers\s+100\s+100/);
    expect(query(warehouse, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 99 }]);
  });
});

describe('tributary exit codes', () => {
  let cwd: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ cwd, cleanup } = demoCwd());
  });
  afterAll(() => cleanup());

  it('exits 2 on a bad config, naming the file and the field', () => {
    writeFileSync(
      path.join(cwd, 'bad.yaml'),
      `syncs:
  - name: s
    source: { package: '@tributary/source-file', config: { streams: [{ name: a, path: a.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: a, sync_mode: sometimes }]
`,
    );
    const run = tributary(cwd, ['sync', 'bad.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad.yaml: invalid config');
    expect(run.stderr).toContain('syncs[0].streams[0].sync_mode');
    expect(run.stderr).not.toContain('    at ');
  });

  it('exits 2 on bad usage and 0 on --help of every command', () => {
    const bogus = tributary(cwd, ['sync', '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toBe("error: unknown option '--bogus' (see tributary --help)\n");
    expect(tributary(cwd, ['frobnicate']).code).toBe(2);
    for (const command of ['sync', 'check', 'state', 'runs']) {
      const help = tributary(cwd, [command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('usage:');
      expect(tributary(cwd, ['help', command]).stdout).toBe(help.stdout);
    }
  });

  it('exits 2 on a sync name that neither the config nor the history knows', () => {
    for (const args of [
      ['runs', 'nosuch'],
      ['state', 'show', 'nosuch'],
    ]) {
      expect(tributary(cwd, args).stderr).toBe(
        `error: no sync 'nosuch' in ${path.join(cwd, '.tributary/state.db')}\n`,
      );
    }
    expect(tributary(cwd, ['sync', DEMO]).code).toBe(0);
    for (const args of [
      ['runs', 'nosuch'],
      ['state', 'show', 'nosuch'],
    ]) {
      const run = tributary(cwd, args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("no sync 'nosuch'");
      expect(run.stderr).toContain('(known: jaffle_shop');
    }
    const named = tributary(cwd, ['state', 'show', 'nosuch', '--file', DEMO]);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('nosuch');
    expect(tributary(cwd, ['runs', 'jaffle_shop']).code).toBe(0);
  });

  it('runs a connector named by its package folder, for every connector of the repository', () => {
    const repo = path.resolve(BIN, '../../../..');
    for (const name of ['source-file', 'source-postgres', 'destination-mysql']) {
      const folder = path.join(repo, 'connectors', name);
      const spec = tributary(cwd, ['spec', '--package', folder]);
      expect(spec.stderr).toBe('');
      expect(spec.code).toBe(0);
      const byName = tributary(cwd, ['spec', '--package', `@tributary/${name}`]);
      expect(byName.stdout).toBe(spec.stdout);
    }
  });

  it('exits 1 when a sync fails, with one clear line', () => {
    writeFileSync(path.join(cwd, 'keyless.csv'), 'id,name\n1,a\n,b\n');
    writeFileSync(
      path.join(cwd, 'fails.yaml'),
      `syncs:
  - name: keyless
    source: { package: '@tributary/source-file', config: { streams: [{ name: rows, path: keyless.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: rows, destination_sync_mode: append_dedup, primary_key: id }]
`,
    );
    const run = tributary(cwd, ['sync', 'fails.yaml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "sync keyless failed: stream 'rows', file 'keyless.csv' line 3, column 'id': record has no value for primary key field 'id'",
    );
    expect(run.stderr).not.toContain('    at ');
    expect(run.stdout).toMatch(/rows\s+1\s+0\s+0\s+(\d+|—)\s+failed/);
  });
});

describe('secrets in --json output', () => {
  it('masks a secret-marked field fed by ${env:...} in every JSON line and in run history', () => {
    const { cwd, cleanup } = demoCwd();
    try {
      const fixture = new URL(
        '../../../packages/engine/test/fixtures/secret-source/index.js',
        import.meta.url,
      ).pathname;
      writeFileSync(path.join(cwd, 'items.csv'), 'id,name\n1,a\n');
      writeFileSync(
        path.join(cwd, 'secret.yaml'),
        `syncs:
  - name: guarded
    source:
      package: ${fixture}
      config: { api_token: '\${env:SHOP_TOKEN}', fail: true, files: { streams: [{ name: items, path: items.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: items }]
`,
      );
      const secret = 'shpat_0123456789abcdef';
      const run = tributary(cwd, ['sync', 'secret.yaml', '--json', '--verbose'], {
        SHOP_TOKEN: secret,
      });
      expect(run.code).toBe(1);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { event: string; meta: { message?: string } });
      expect(lines.find((l) => l.event === 'sync:failed')?.meta.message).toBe(
        'upstream refused token **********',
      );
      expect(run.stdout).toContain('connecting with token **********');
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect(tributary(cwd, ['runs', '--file', 'secret.yaml', '--json']).stdout).not.toContain(
        secret,
      );
    } finally {
      cleanup();
    }
  });
});
