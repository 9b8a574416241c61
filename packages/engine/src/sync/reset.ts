import { ConfigError, type ConfiguredCatalog } from '@tributary/core';
import type { SyncConfig } from '../config/schema.js';
import { EngineEmitter } from '../events.js';
import { eventLogger } from '../logger.js';
import type { StateStore, SyncPosition } from '../state/store.js';
import { cursorPath, keyPaths } from './catalog.js';
import { type PrepareOptions, prepareSync } from './prepare.js';

export interface ResetStateOptions extends PrepareOptions {
  sync: SyncConfig;
  store: StateStore;
  /** Streams to reset; every stream of the sync when absent or empty. */
  streams?: string[];
  events?: EngineEmitter;
  signal?: AbortSignal;
}

/**
 * Forgets the state of a sync (or some of its streams) so the next run reads from the start.
 * A new generation begins first, so a destination copy of an older state can never win again
 * even if the destination's own reset fails; then the destination forgets its copies.
 * Holds the sync's lock: a reset never races a run.
 */
export async function resetState(options: ResetStateOptions): Promise<SyncPosition> {
  const prepared = await prepareSync(options.sync, options);
  const streams = options.streams ?? [];
  const known = new Set(options.sync.streams.map((s) => s.name));
  const unknown = streams.filter((s) => !known.has(s));
  if (unknown.length > 0) {
    throw new ConfigError(`sync '${options.sync.name}' has no stream '${unknown.join("', '")}'`);
  }

  const lock = await options.store.acquireLock(options.sync.name);
  try {
    const position = await options.store.reset(
      options.sync.name,
      streams.length > 0 ? streams : undefined,
    );
    const events = options.events ?? new EngineEmitter();
    const ctx = {
      signal: options.signal ?? new AbortController().signal,
      logger: eventLogger(events, 'destination', prepared.redactor),
    };
    await prepared.destination.resetState?.(
      prepared.destinationConfig,
      minimalCatalog(options.sync, position.generation),
      streams,
      ctx,
    );
    return position;
  } finally {
    await options.store.releaseLock(lock);
  }
}

/**
 * The configured catalog a reset hands the destination: names, tables and keys from the
 * config only. A reset must work even when the source cannot be reached, so no discover.
 */
function minimalCatalog(sync: SyncConfig, generation: number): ConfiguredCatalog {
  return {
    streams: sync.streams.map((s) => {
      const stream: ConfiguredCatalog['streams'][number] = {
        stream: {
          name: s.name,
          json_schema: { type: 'object', properties: {} },
          supported_sync_modes: ['full_refresh', 'incremental'],
          ...(s.namespace === undefined ? {} : { namespace: s.namespace }),
        },
        sync_mode: s.sync_mode ?? 'full_refresh',
        destination_sync_mode: s.destination_sync_mode ?? 'append',
        generation_id: generation,
      };
      const cursor = cursorPath(s.cursor_field);
      if (cursor) stream.cursor_field = cursor;
      const key = keyPaths(s.primary_key);
      if (key) stream.primary_key = key;
      if (s.destination_table) stream.destination_table = s.destination_table;
      return stream;
    }),
  };
}
