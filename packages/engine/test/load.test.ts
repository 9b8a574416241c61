import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConnector } from '../src/index.js';
import { tempDir } from './helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

describe('loadConnector', () => {
  it('loads a package by name, by its folder (relative or absolute) and by a file path', async () => {
    const folder = path.join(repo, 'connectors/source-file');
    const byName = await loadConnector('@tributary/source-file', 'source');
    const relative = await loadConnector(path.relative(dir, folder), 'source', { cwd: dir });
    const absolute = await loadConnector(folder, 'source', { cwd: dir });
    const file = await loadConnector(path.join(folder, 'dist/index.js'), 'source', { cwd: dir });

    expect(byName.name).toBe('source-file');
    for (const loaded of [relative, absolute, file]) expect(loaded).toBe(byName);
  });

  it('names the package it cannot find, and a package that is no connector of that role', async () => {
    await expect(loadConnector('./nowhere', 'source', { cwd: dir })).rejects.toThrow(
      "cannot find connector package './nowhere'",
    );
    const folder = path.join(dir, 'not-a-connector');
    mkdirSync(folder);
    writeFileSync(
      path.join(folder, 'package.json'),
      JSON.stringify({ name: 'not-a-connector', type: 'module', exports: './index.js' }),
    );
    writeFileSync(path.join(folder, 'index.js'), 'export const x = 1;\n');
    const error = await loadConnector('./not-a-connector', 'destination', { cwd: dir }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      "package './not-a-connector' does not export a destination connector",
    );
  });
});
