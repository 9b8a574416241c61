import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { EngineEmitter, loadConfig, runSync, SqliteStateStore } from '../src/index.js';
import { query, tempDir, writeCsv } from './helpers.js';

const SECRET = 'tok-3f9a-very-secret';
const fixture = fileURLToPath(new URL('./fixtures/secret-source/index.js', import.meta.url));

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  writeCsv(path.join(dir, 'items.csv'), 'id,name', ['1,a', '2,b']);
});
afterEach(() => cleanup());

function yaml(fail: boolean, variable = 'TEST_API_TOKEN'): string {
  return `
syncs:
  - name: guarded
    source:
      package: ${fixture}
      config:
        api_token: \${env:${variable}}
        fail: ${fail}
        files:
          streams: [{ name: items, path: ${path.join(dir, 'items.csv')} }]
    destination:
      package: '@tributary/destination-sqlite'
      config: { path: ${path.join(dir, 'warehouse.db')} }
    streams: [{ name: items }]
`;
}

it.each([false, true])(
  'never writes the secret to events, state or run history (source fails: %s)',
  async (fail) => {
    const file = path.join(dir, 'tributary.yaml');
    (await import('node:fs')).writeFileSync(file, yaml(fail));
    const config = loadConfig(file, { cwd: dir, env: { TEST_API_TOKEN: SECRET } });
    expect(config.secrets).toEqual([SECRET]);
    const store = new SqliteStateStore(config.statePath);
    const events = new EngineEmitter();
    const seen: string[] = [];
    for (const name of ['log', 'sync:failed', 'state:committed', 'sync:complete'] as const) {
      events.on(name, (e: unknown) => seen.push(JSON.stringify(e)));
    }
    const run = await runSync({
      sync: config.syncs[0]!,
      store,
      events,
      secrets: config.secrets,
      cwd: dir,
    });
    expect(run.status).toBe(fail ? 'failed' : 'succeeded');
    const text = seen.join('\n');
    expect(text).toContain('connecting with token **********');
    if (fail) expect(run.error?.message).toBe('upstream refused token **********');
    // The cause goes to the host, which prints its stack for a bug.
    if (fail) expect((run.cause as Error).stack).toMatch(/^Error: upstream refused token \*{10}\n/);
    expect(String((run.cause as Error | undefined)?.stack)).not.toContain(SECRET);
    expect(text).not.toContain(SECRET);
    expect(JSON.stringify(await store.runs())).not.toContain(SECRET);
    const [state] = await store.states('guarded');
    expect(state?.state?.data).toEqual({ seen: '**********' });
    await store.close();
    // Closing checkpoints the WAL into the main file: every byte the store keeps is here.
    const bytes = readFileSync(path.join(dir, '.tributary', 'state.db'), 'latin1');
    expect(bytes.includes(SECRET)).toBe(false);
  },
);

// A config error leaves the engine by throwing: its message, issues and stack are masked
// too, whether the secret came from the environment or a secret-marked field.
it('masks secrets in config errors that runSync throws', async () => {
  const missing = path.join(dir, `${SECRET}.csv`);
  const literal = {
    name: 'literal',
    source: {
      package: fixture,
      config: { api_token: SECRET, files: { streams: [{ name: 'items', path: missing }] } },
    },
    destination: {
      package: '@tributary/destination-sqlite',
      config: { path: path.join(dir, 'warehouse.db') },
    },
    streams: [{ name: 'items' }],
  };
  const store = new SqliteStateStore(path.join(dir, 'state.db'));
  const thrown = await runSync({ sync: literal, store, cwd: dir }).catch((e: unknown) => e);
  // Opening the connectors fails before their secret fields are known: the environment's
  // values (passed as `secrets`) are masked then.
  const unknownPackage = { ...literal, destination: { package: `./${SECRET}/nowhere` } };
  const early = await runSync({ sync: unknownPackage, store, cwd: dir, secrets: [SECRET] }).catch(
    (e: unknown) => e,
  );
  await store.close();

  expect(thrown).toBeInstanceOf(Error);
  const error = thrown as Error & { issues?: string[]; context?: unknown };
  expect(error.message).toContain('**********.csv');
  for (const text of [error.message, error.stack, JSON.stringify(error.issues ?? null)]) {
    expect(text).not.toContain(SECRET);
  }
  expect(JSON.stringify(error.context)).not.toContain(SECRET);
  expect((early as Error).message).toBe(
    "cannot find connector package './**********/nowhere' (looked in " +
      `${dir} and the runner's own packages)`,
  );
  expect((early as Error).stack).not.toContain(SECRET);
});

// The spec marks api_token secret: a value there is a secret whatever its variable's name.
it('masks a secret-marked value fed by a plain-named variable in events, errors, history, state', async () => {
  const file = path.join(dir, 'tributary.yaml');
  writeFileSync(file, yaml(true, 'UPSTREAM_ACCESS'));
  const config = loadConfig(file, { cwd: dir, env: { UPSTREAM_ACCESS: SECRET } });
  expect(config.secrets).toEqual([]);
  const store = new SqliteStateStore(config.statePath);
  const events = new EngineEmitter();
  const seen: string[] = [];
  events.on('log', (e) => seen.push(JSON.stringify(e)));
  events.on('sync:failed', (e) => seen.push(JSON.stringify(e)));
  const run = await runSync({ sync: config.syncs[0]!, store, events, cwd: dir });
  expect(run.status).toBe('failed');
  expect(run.error?.message).toBe('upstream refused token **********');
  expect(String((run.cause as Error).stack)).not.toContain(SECRET);
  expect(seen.join('\n')).toContain('connecting with token **********');
  expect(seen.join('\n')).not.toContain(SECRET);
  expect(JSON.stringify(await store.runs())).not.toContain(SECRET);
  expect(JSON.stringify(await store.states('guarded'))).not.toContain(SECRET);
  await store.close();
  const bytes = readFileSync(path.join(dir, '.tributary', 'state.db'), 'latin1');
  expect(bytes.includes(SECRET)).toBe(false);
});

// A plain env value (a year in a path) is data: masking it once turned the stored cursor
// '2024-01-02T10:00:00Z' into '**********-01-02T10:00:00Z', and every run read all again.
it('keeps a state exact when a plain env value also appears in it', async () => {
  mkdirSync(path.join(dir, 'data', '2024'), { recursive: true });
  writeCsv(path.join(dir, 'data', '2024', 'o.csv'), 'id,u', [
    '1,2024-01-01T10:00:00Z',
    '2,2024-01-02T10:00:00Z',
  ]);
  const file = path.join(dir, 'f.yaml');
  writeFileSync(
    file,
    `
syncs:
  - name: f
    source:
      package: '@tributary/source-file'
      config:
        streams: [{ name: o, path: "${dir}/data/\${env:YEAR}/o.csv", primary_key: [id] }]
    destination:
      package: '@tributary/destination-sqlite'
      config: { path: ${path.join(dir, 'warehouse.db')} }
    streams:
      - { name: o, sync_mode: incremental, cursor_field: u, destination_sync_mode: append, primary_key: id }
`,
  );
  const config = loadConfig(file, { cwd: dir, env: { YEAR: '2024' } });
  const store = new SqliteStateStore(config.statePath);
  const reads: number[] = [];
  const messages: string[] = [];
  for (let i = 0; i < 3; i++) {
    const events = new EngineEmitter();
    events.on('log', (e) => messages.push(e.message));
    const run = await runSync({
      sync: config.syncs[0]!,
      store,
      events,
      secrets: config.secrets,
      cwd: dir,
    });
    expect(run.status).toBe('succeeded');
    reads.push(run.streams[0]!.read);
  }
  const [state] = await store.states('f');
  await store.close();

  expect(reads).toEqual([2, 0, 0]);
  expect(query<{ n: number }>(dir, 'SELECT count(*) AS n FROM o')).toEqual([{ n: 2 }]);
  expect(state?.state?.stream?.stream_state).toEqual({
    cursor: '2024-01-02T10:00:00Z',
    keys_at_cursor: ['id=2'],
  });
  expect(messages.join('\n')).not.toContain('*');
});
