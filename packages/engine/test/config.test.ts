import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, prepareSync } from '../src/index.js';
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
  it('fills ${env:NAME}, resolves the state path against the cwd and keeps env values as secrets', () => {
    const config = loadConfig(write(GOOD), { cwd: dir, env: { DB_PATH: 'w.db' } });
    expect(config.statePath).toBe(path.join(dir, '.tributary/state.db'));
    expect(config.syncs[0]?.destination.config).toEqual({ path: 'w.db' });
    expect(config.secrets).toEqual(['w.db']);
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
