import { ConfigError, collectSecrets, type Destination, type Source } from '@tributary/core';
import type { SyncConfig } from '../config/schema.js';
import { openConnector, type ResolveOptions } from '../connectors/load.js';
import { Redactor } from '../redact.js';

/** A sync whose connectors are loaded and whose configs both validated. */
export interface PreparedSync {
  sync: SyncConfig;
  source: Source;
  destination: Destination;
  sourceConfig: Record<string, unknown>;
  destinationConfig: Record<string, unknown>;
  redactor: Redactor;
  /** Config path of the sync, for messages: `syncs[0]`. */
  at: string;
  /** The config file, for messages. */
  file: string;
}

export interface PrepareOptions extends ResolveOptions {
  /** The config file, named in errors. */
  file?: string;
  /** Config path of the sync (`syncs[2]`), named in errors. */
  at?: string;
  /** Values filled in from secret-named variables (`LoadedConfig.secrets`): masked. */
  secrets?: string[];
}

/**
 * Loads both connectors and validates both configs before anything runs, so a typo in the
 * destination's config never lets the source start reading.
 */
export async function prepareSync(
  sync: SyncConfig,
  options: PrepareOptions = {},
): Promise<PreparedSync> {
  const file = options.file ?? 'tributary.yaml';
  const at = options.at ?? 'sync';
  // Both at once: a command connector is opened by running its `spec`, a process start each.
  const [opened, openedDestination] = await Promise.allSettled([
    openConnector(sync.source, 'source', options),
    openConnector(sync.destination, 'destination', options),
  ]);
  if (opened.status === 'rejected') throw opened.reason;
  if (openedDestination.status === 'rejected') throw openedDestination.reason;
  const source = opened.value;
  const destination = openedDestination.value;

  const issues: string[] = [];
  const sourceConfig = checkConnectorConfig(
    source,
    sync.source.config,
    `${at}.source.config`,
    issues,
  );
  const destinationConfig = checkConnectorConfig(
    destination,
    sync.destination.config,
    `${at}.destination.config`,
    issues,
  );
  if (issues.length > 0) throw new ConfigError(`${file}: invalid config`, issues, { file });

  const secrets = [
    ...(options.secrets ?? []),
    ...collectSecrets(source.configSchema, sourceConfig),
    ...collectSecrets(destination.configSchema, destinationConfig),
  ];
  return {
    sync,
    source,
    destination,
    sourceConfig: sourceConfig ?? {},
    destinationConfig: destinationConfig ?? {},
    redactor: new Redactor(secrets),
    at,
    file,
  };
}

/** A connector's config parsed by its own schema; its issues pushed, labelled at `at`. */
export function checkConnectorConfig(
  connector: Source | Destination,
  raw: unknown,
  at: string,
  issues: string[],
): Record<string, unknown> | undefined {
  try {
    return connector.parseConfig(raw ?? {});
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const found = error.issues.length > 0 ? error.issues : [error.message];
    // Core labels connector issues `config.x`; put them at their place in tributary.yaml.
    for (const issue of found) issues.push(issue.replace(/^config(?=[.[:])/, at));
    return undefined;
  }
}
