import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@tributary/core';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../src/index.js';
import { tempDir } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
});
afterEach(() => cleanup());

function load(source: string, destination: string) {
  const file = path.join(dir, 'tributary.yaml');
  writeFileSync(
    file,
    `syncs:\n  - name: demo\n    source: ${source}\n    destination: ${destination}\n    streams: [{ name: a }]\n`,
  );
  return loadConfig(file, { cwd: dir });
}

it('takes a command with limits beside a package', () => {
  const config = load(
    '{ command: [node, bin.js], limits: { timeout_seconds: 30, memory_mib: 256 } }',
    "{ package: '@tributary/destination-sqlite' }",
  );
  expect(config.syncs[0]?.source).toEqual({
    command: ['node', 'bin.js'],
    limits: { timeout_seconds: 30, memory_mib: 256 },
  });
});

it('names a connector with both package and command, neither, or limits on a package', () => {
  let error: unknown;
  try {
    load('{ package: p, command: [x] }', "{ package: 'd', limits: { memory_mib: 64 } }");
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).issues).toEqual([
    "syncs[0].source: name the connector by either 'package' or 'command'",
    "syncs[0].destination.limits: limits apply to a connector run as a 'command'",
  ]);
  expect(() => load('{ config: {} }', '{ package: d }')).toThrow(
    "syncs[0].source: name the connector by either 'package' or 'command'",
  );
});
