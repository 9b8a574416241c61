import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError, type Destination, type Source, schemaIssues } from '@tributary/core';
import { Value } from 'typebox/value';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { openConnector, type ResolveOptions } from '../connectors/load.js';
import { checkConnectorConfig } from '../sync/prepare.js';
import { sharedStateIssues } from '../sync/shared-state.js';
import { interpolateEnv } from './interpolate.js';
import { ConnectorRef, type SyncConfig, TributaryConfig } from './schema.js';

/** The default place of the engine's state store, relative to the cwd. */
export const DEFAULT_STATE_PATH = '.tributary/state.db';

/** A tributary.yaml read, interpolated and validated. */
export interface LoadedConfig {
  /** The file as the user named it, for messages. */
  file: string;
  /** Absolute path of the state store. */
  statePath: string;
  syncs: SyncConfig[];
  /**
   * Values filled in from variables named as secrets (`isSecretVariable`): masked wherever
   * text leaves the engine. Other env values are plain config.
   */
  secrets: string[];
}

export interface LoadConfigOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /**
   * Only the state store will be used (`state show`, `runs`): a variable missing outside
   * `state.path` is filled in empty rather than an issue, so reading history never needs
   * the connectors' credentials.
   */
  storeOnly?: boolean;
}

/**
 * Reads tributary.yaml. Every problem is a ConfigError that names the file and the path of
 * each bad field (`syncs[0].streams[1].sync_mode: ...`), so one run shows all of them.
 */
export function loadConfig(file: string, options: LoadConfigOptions = {}): LoadedConfig {
  const read = readConfig(file, options);
  if (read.issues.length > 0)
    throw new ConfigError(`${file}: invalid config`, read.issues, { file });
  return read.loaded!;
}

/**
 * `loadConfig`, and when tributary.yaml has bad fields, the config of every connector that
 * can still be opened is checked against the connector's schema too, so one error lists the
 * bad fields of both rather than the connectors' only once the file's own are fixed.
 */
export async function loadCheckedConfig(
  file: string,
  options: LoadConfigOptions & ResolveOptions = {},
): Promise<LoadedConfig> {
  const read = readConfig(file, options);
  if (read.issues.length === 0) return read.loaded!;
  const issues = [...read.issues, ...(await connectorConfigIssues(read.value, options))];
  throw new ConfigError(`${file}: invalid config`, issues, { file });
}

interface ReadConfig {
  /** The parsed file with env values filled in (missing ones empty), before validation. */
  value: unknown;
  issues: string[];
  /** Set when there are no issues. */
  loaded?: LoadedConfig;
}

/** Reads and checks the file; only an unreadable file or bad YAML throws. */
function readConfig(file: string, options: LoadConfigOptions): ReadConfig {
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
  const missing = options.storeOnly
    ? filled.missing.filter((m) => m.path === 'state' || m.path.startsWith('state.'))
    : filled.missing;
  const issues = missing.map((m) => `${m.path}: environment variable ${m.name} is not set`);
  const value = Value.Default(TributaryConfig, Value.Clone(filled.value ?? {}));
  issues.push(...schemaIssues(TributaryConfig, value));
  if (issues.length > 0) return { value, issues };

  const config = value as TributaryConfig;
  const names = new Set<string>();
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
  // Reading history needs no destination; its env values may be blanks that compare equal.
  if (!options.storeOnly) issues.push(...sharedStateIssues(config.syncs));
  if (issues.length > 0) return { value, issues };

  const loaded: LoadedConfig = {
    file,
    statePath: path.resolve(cwd, config.state?.path ?? DEFAULT_STATE_PATH),
    syncs: config.syncs,
    secrets: filled.secrets,
  };
  return { value, issues, loaded };
}

/**
 * The issues of each connector config in a file that failed its own checks, for every
 * connector whose reference is sound enough to open (a package that loads, a command that
 * answers `spec`).
 */
async function connectorConfigIssues(value: unknown, options: ResolveOptions): Promise<string[]> {
  const syncs = (value as { syncs?: unknown } | undefined)?.syncs;
  if (!Array.isArray(syncs)) return [];
  const issues: string[] = [];
  for (const [i, sync] of syncs.entries()) {
    for (const role of ['source', 'destination'] as const) {
      const ref = (sync as Record<string, unknown> | undefined)?.[role];
      if (!Value.Check(ConnectorRef, ref)) continue;
      if ((ref.package === undefined) === (ref.command === undefined)) continue;
      let connector: Source | Destination;
      try {
        connector =
          role === 'source'
            ? await openConnector(ref, 'source', options)
            : await openConnector(ref, 'destination', options);
      } catch {
        // Best effort: a connector that does not open says why once the file's issues are fixed.
        continue;
      }
      checkConnectorConfig(connector, ref.config, `syncs[${i}].${role}.config`, issues);
    }
  }
  return issues;
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
