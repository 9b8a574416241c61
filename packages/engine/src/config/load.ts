import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, parseConfig } from '@tributary/core';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { interpolateEnv } from './interpolate.js';
import { type SyncConfig, TributaryConfig } from './schema.js';

/** The default place of the engine's state store, relative to the cwd. */
export const DEFAULT_STATE_PATH = '.tributary/state.db';

/** A tributary.yaml read, interpolated and validated. */
export interface LoadedConfig {
  /** The file as the user named it, for messages. */
  file: string;
  /** Absolute path of the state store. */
  statePath: string;
  syncs: SyncConfig[];
  /** Every value filled in from the environment: masked wherever text leaves the engine. */
  secrets: string[];
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/**
 * Reads tributary.yaml. Every problem is a ConfigError that names the file and the path of
 * each bad field (`syncs[0].streams[1].sync_mode: ...`), so one run shows all of them.
 */
export function loadConfig(file: string, options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const text = readConfigText(file, cwd);

  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError ? ` at line ${error.linePos?.[0]?.line}` : '';
    throw new ConfigError(`${file}: not valid YAML${where}`, [], { file });
  }

  const filled = interpolateEnv(raw, env);
  if (filled.missing.length > 0) {
    const issues = filled.missing.map(
      (m) => `${m.path}: environment variable ${m.name} is not set`,
    );
    throw new ConfigError(`${file}: invalid config`, issues, { file });
  }

  const config = validate(file, filled.value);
  const names = new Set<string>();
  const issues: string[] = [];
  config.syncs.forEach((sync, i) => {
    if (names.has(sync.name)) issues.push(`syncs[${i}].name: duplicate sync name '${sync.name}'`);
    names.add(sync.name);
    for (const role of ['source', 'destination'] as const) {
      const ref = sync[role];
      const at = `syncs[${i}].${role}`;
      if ((ref.package === undefined) === (ref.command === undefined)) {
        issues.push(`${at}: name the connector by either 'package' or 'command'`);
      } else if (ref.limits !== undefined && ref.package !== undefined) {
        issues.push(`${at}.limits: limits apply to a connector run as a 'command'`);
      }
    }
  });
  if (issues.length > 0) throw new ConfigError(`${file}: invalid config`, issues, { file });

  return {
    file,
    statePath: path.resolve(cwd, config.state?.path ?? DEFAULT_STATE_PATH),
    syncs: config.syncs,
    secrets: filled.secrets,
  };
}

/** The sync of a config by name; a ConfigError listing the known names otherwise. */
export function findSync(config: LoadedConfig, name: string | undefined): SyncConfig {
  if (name === undefined) {
    const only = config.syncs[0];
    if (config.syncs.length === 1 && only) return only;
    throw new ConfigError(
      `${config.file}: holds ${config.syncs.length} syncs; name one with --sync (${names(config)})`,
    );
  }
  const sync = config.syncs.find((s) => s.name === name);
  if (!sync) throw new ConfigError(`${config.file}: no sync named '${name}' (${names(config)})`);
  return sync;
}

function names(config: LoadedConfig): string {
  return config.syncs.map((s) => s.name).join(', ');
}

function readConfigText(file: string, cwd: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'error'})`;
    throw new ConfigError(`${file}: ${why}`, [], { file });
  }
}

function validate(file: string, value: unknown): TributaryConfig {
  try {
    return parseConfig(TributaryConfig, value ?? {}, '') as TributaryConfig;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.map((issue) =>
      issue.startsWith('.') ? issue.slice(1) : issue.startsWith(':') ? `(top)${issue}` : issue,
    );
    throw new ConfigError(`${file}: invalid config`, issues, { file });
  }
}
