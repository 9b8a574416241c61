import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_STATE_PATH, type LoadedConfig, loadConfig } from '@tributary/engine';

/**
 * The config for commands that only read the store (state show, runs): the file when it
 * exists, else the default store path, so history stays readable without tributary.yaml.
 */
export function configOrDefault(file: string | undefined): LoadedConfig {
  if (file !== undefined || existsSync('tributary.yaml'))
    return loadConfig(file ?? 'tributary.yaml');
  return {
    file: 'tributary.yaml',
    statePath: path.resolve(DEFAULT_STATE_PATH),
    syncs: [],
    secrets: [],
  };
}
