import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCwd, tributary } from './helpers.js';

let cwd: string;
let cleanup: () => void;
beforeAll(() => {
  ({ cwd, cleanup } = demoCwd());
  writeFileSync(path.join(cwd, 'items.csv'), 'id\n1\n2\n');
});
afterAll(() => cleanup());

/** A config whose destination path comes from a variable; its state store from `state`. */
function writeConfig(name: string, state: string): string {
  writeFileSync(
    path.join(cwd, name),
    `state: { path: "${state}" }
syncs:
  - name: items
    source:
      package: '@tributary/source-file'
      config: { streams: [{ name: items, path: items.csv }] }
    destination:
      package: '@tributary/destination-sqlite'
      config: { path: "\${env:WAREHOUSE_DIR}/w.db" }
    streams: [{ name: items }]
`,
  );
  return name;
}

describe('a state.path that is no database', () => {
  it.each([
    ['a directory', 'store-dir', 'it is a directory'],
    ['a text file', 'notes.txt', 'file is not a database'],
  ])('is one line naming the path and why (%s), exit 2', (_kind, state, why) => {
    if (state === 'store-dir') mkdirSync(path.join(cwd, state), { recursive: true });
    else writeFileSync(path.join(cwd, state), 'just some notes\n');
    const file = writeConfig(`bad-store-${state}.yaml`, state);
    const env = { WAREHOUSE_DIR: cwd };
    for (const args of [
      ['sync', file],
      ['state', 'show', '--file', file],
      ['runs', '--file', file],
    ]) {
      const run = tributary(cwd, args, env);
      expect(run.stderr).toBe(`error: cannot use state store '${path.join(cwd, state)}': ${why}\n`);
      expect(run.code).toBe(2);
    }
  });
});

describe('runs and state show', () => {
  it("need only state.path's variables, not the connectors'", () => {
    const file = writeConfig('env-store.yaml', '${env:STORE_DIR}/state.db');
    const env = { STORE_DIR: path.join(cwd, 'store'), WAREHOUSE_DIR: cwd };
    expect(tributary(cwd, ['sync', file], env).code).toBe(0);

    const withoutWarehouse = { STORE_DIR: env.STORE_DIR };
    const runs = tributary(cwd, ['runs', '--file', file, '--json'], withoutWarehouse);
    expect(runs.stderr).toBe('');
    expect(runs.code).toBe(0);
    expect(JSON.parse(runs.stdout)).toMatchObject([{ sync: 'items', status: 'succeeded' }]);
    const state = tributary(cwd, ['state', 'show', '--file', file, '--json'], withoutWarehouse);
    expect(state.code).toBe(0);
    expect(JSON.parse(state.stdout)).toMatchObject([{ sync: 'items', stream: 'items' }]);

    // state.path's own variable is still needed, and sync still needs every variable.
    const noStore = tributary(cwd, ['runs', '--file', file], {});
    expect(noStore.stderr).toBe(
      `error: ${file}: invalid config\n  state.path: environment variable STORE_DIR is not set\n`,
    );
    expect(noStore.code).toBe(2);
    expect(tributary(cwd, ['sync', file], withoutWarehouse).code).toBe(2);
  });
});
