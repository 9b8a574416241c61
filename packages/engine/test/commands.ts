import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectorRef } from '../src/index.js';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

/** The built bin of a connector package this package depends on. */
export function binOf(packageName: string): string {
  return path.join(path.dirname(require.resolve(packageName)), 'bin.js');
}

/** A connector ref running a package's bin as a child process with this Node. */
export function commandOf(
  packageName: string,
  config: Record<string, unknown>,
  extra: Partial<ConnectorRef> = {},
): ConnectorRef {
  return { command: [process.execPath, binOf(packageName)], config, ...extra };
}

/** A fixture of test/fixtures/commands. */
export function fixture(name: string): string {
  return path.join(here, 'fixtures', 'commands', name);
}

/** The jaffle shop demo's seed files, as committed in examples/. */
export const JAFFLE_DATA = path.resolve(here, '../../../examples/jaffle-shop/data');
