import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '@tributary/core';
import {
  DEFAULT_STATE_PATH,
  findSync,
  type LoadedConfig,
  loadConfig,
  type StateStore,
} from '@tributary/engine';

/**
 * The config for commands that only read the store (state show, runs): the file when it
 * exists, else the default store path, so history stays readable without tributary.yaml.
 */
export function configOrDefault(file: string | undefined): LoadedConfig {
  if (file !== undefined || existsSync('tributary.yaml'))
    return loadConfig(file ?? 'tributary.yaml', { storeOnly: true });
  return {
    file: 'tributary.yaml',
    statePath: path.resolve(DEFAULT_STATE_PATH),
    syncs: [],
    secrets: [],
  };
}

/**
 * Checks that a sync named on the command line exists: in the config when there is one,
 * else in the store's run history, so a typo is an error rather than an empty answer.
 */
export async function assertKnownSync(
  config: LoadedConfig,
  store: StateStore,
  name: string,
): Promise<void> {
  if (config.syncs.length > 0) {
    findSync(config, name);
    return;
  }
  const known = [...new Set((await store.runs(undefined, 1000)).map((r) => r.sync))];
  if (known.includes(name)) return;
  const list = known.length > 0 ? ` (known: ${known.join(', ')})` : '';
  throw new ConfigError(`no sync '${name}' in ${config.statePath}${list}`);
}
