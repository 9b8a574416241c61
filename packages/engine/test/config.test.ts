import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSecretVariable, loadCheckedConfig, loadConfig, prepareSync } from '../src/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function write(text: string): string {
  const file = path.join(dir, 'tributary.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const GOOD = `
syncs:
  - name: demo
    source: { package: '@tributary/source-file', config: { streams: [{ name: a, path: a.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: '\${env:DB_PATH}' } }
    streams:
      - { name: a, sync_mode: incremental, cursor_field: id, primary_key: id }
`;

describe('loadConfig', () => {
  it('fills ${env:NAME}, resolves the state path against the cwd, a plain value is no secret', () => {
    const config = loadConfig(write(GOOD), { cwd: dir, env: { DB_PATH: 'w.db' } });
    expect(config.statePath).toBe(path.join(dir, '.tributary/state.db'));
    expect(config.syncs[0]?.destination.config).toEqual({ path: 'w.db' });
    expect(config.secrets).toEqual([]);
  });

  it('keeps the values of secret-named variables as secrets', () => {
    const names = ['DB_PASSWORD', 'SHOP_TOKEN', 'AWS_SECRET_ACCESS_KEY', 'PGPASSWORD', 'APIKEY'];
    const refs = names.map((n) => `\${env:${n}}`).join('/');
    const env = Object.fromEntries(names.map((n) => [n, `v-${n}`]));
    const config = loadConfig(write(GOOD.replace('${env:DB_PATH}', refs)), { cwd: dir, env });
    expect(config.secrets).toEqual(names.map((n) => `v-${n}`));
    for (const plain of ['YEAR', 'DB_PATH', 'PWD', 'KEYSPACE_DIR', 'HOME']) {
      expect(isSecretVariable(plain)).toBe(false);
    }
  });

  it('names the file and the missing variable with its path', () => {
    const file = write(GOOD);
    const error = configError(() => loadConfig(file, { cwd: dir, env: {} }));
    expect(error.message).toBe(
      `${file}: invalid config\n  syncs[0].destination.config.path: environment variable DB_PATH is not set`,
    );
  });

  it('names the file and the path of every bad field at once', () => {
    const file = write(`
syncs:
  - name: demo
    source: { package: x }
    streams:
      - { name: a, sync_mode: sometimes }
      - { name: b, colour: blue }
`);
    const error = configError(() => loadConfig(file, { cwd: dir, env: {} }));
    expect(error.message.startsWith(`${file}: invalid config`)).toBe(true);
    expect(error.issues).toContain("syncs[0]: missing required field 'destination'");
    expect(error.issues.some((i) => i.startsWith('syncs[0].streams[0].sync_mode:'))).toBe(true);
    expect(error.issues).toContain("syncs[0].streams[1]: unknown field 'colour'");
  });

  it('refuses two syncs of one name', () => {
    const file = write(
      `${GOOD}  - name: demo\n    source: { package: x }\n    destination: { package: y }\n    streams: [{ name: a }]\n`,
    );
    const error = configError(() => loadConfig(file, { cwd: dir, env: { DB_PATH: 'w.db' } }));
    expect(error.issues).toEqual(["syncs[1].name: duplicate sync name 'demo'"]);
  });
});

describe('prepareSync', () => {
  it("validates both connectors' configs and names each bad field at its place", async () => {
    const config = loadConfig(
      write(`
syncs:
  - name: demo
    source: { package: '@tributary/source-file', config: { streams: [{ name: a }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: 3 } }
    streams: [{ name: a }]
`),
      { cwd: dir, env: {} },
    );
    const error = await prepareSync(config.syncs[0]!, {
      file: 'tributary.yaml',
      at: 'syncs[0]',
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toContain("syncs[0].source.config.streams[0]: missing required field 'path'");
    expect(issues).toContain('syncs[0].destination.config.path: expected string');
  });
});

describe('loadCheckedConfig', () => {
  it("lists the file's bad fields, with the allowed values, and each connector's at once", async () => {
    const file = write(`
syncs:
  - name: demo
    source: { package: '@tributary/source-file', config: { streams: [{ name: a, path: 5, sample_rows: x }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: 3, identifier_collision: drop } }
    streams:
      - { name: a, destination_sync_mode: upsert, sync_mode: sometimes, primary_key: 5 }
      - { name: b, cursor_field: [], primary_key: [[5]], delete_policy: x }
      - { name: c, schema_policy: loose, on_bad_record: drop }
  - name: other
    source: { package: '@tributary/no-such-connector', config: { any: 1 } }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db, extra: 1 } }
    streams: [{ name: a, selected_fields: [''] }]
`);
    const error = await loadCheckedConfig(file, { cwd: dir, env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      'syncs[0].streams[0].sync_mode: must be one of full_refresh, incremental',
      'syncs[0].streams[0].destination_sync_mode: must be one of overwrite, append, append_dedup',
      'syncs[0].streams[0].primary_key: expected string or array',
      'syncs[0].streams[1].cursor_field: must not be empty',
      'syncs[0].streams[1].primary_key[0][0]: expected string',
      'syncs[0].streams[1].delete_policy: must be one of hard, soft',
      'syncs[0].streams[2].schema_policy: must be one of evolve, freeze',
      'syncs[0].streams[2].on_bad_record: must be one of fail, skip, reject',
      'syncs[1].streams[0].selected_fields[0]: must not be empty',
      'syncs[0].source.config.streams[0].path: expected string',
      'syncs[0].source.config.streams[0].sample_rows: expected integer',
      'syncs[0].destination.config.path: expected string',
      'syncs[0].destination.config.identifier_collision: must be one of rename, fail',
      "syncs[1].destination.config: unknown field 'extra'",
    ]);
  });

  it('loads a good file as loadConfig does', async () => {
    const file = write(GOOD);
    const options = { cwd: dir, env: { DB_PATH: 'w.db' } };
    expect(await loadCheckedConfig(file, options)).toEqual(loadConfig(file, options));
  });
});
