import type {
  Catalog,
  ConnectionStatus,
  ConnectorSpecification,
  Message,
  StateMessage,
} from '@tributary/core';
import type { SyncConfig } from '../config/schema.js';
import { EngineEmitter } from '../events.js';
import { eventLogger } from '../logger.js';
import { buildConfiguredCatalog } from '../sync/catalog.js';
import { type PreparedSync, type PrepareOptions, prepareSync } from '../sync/prepare.js';

/**
 * One-connector operations (spec, check, discover, read) for a sync of tributary.yaml, so
 * every host runs them the same way: both configs validated, secrets masked in logs.
 */
export class SyncConnectors {
  private constructor(
    readonly prepared: PreparedSync,
    private readonly events: EngineEmitter,
    private readonly signal: AbortSignal,
  ) {}

  static async open(
    sync: SyncConfig,
    options: PrepareOptions & { events?: EngineEmitter; signal?: AbortSignal } = {},
  ): Promise<SyncConnectors> {
    const prepared = await prepareSync(sync, options);
    return new SyncConnectors(
      prepared,
      options.events ?? new EngineEmitter(),
      options.signal ?? new AbortController().signal,
    );
  }

  private ctx(component: string) {
    return {
      signal: this.signal,
      logger: eventLogger(this.events, component, this.prepared.redactor),
    };
  }

  spec(role: 'source' | 'destination'): ConnectorSpecification {
    return this.prepared[role].spec();
  }

  async check(role: 'source' | 'destination'): Promise<ConnectionStatus> {
    const config = role === 'source' ? this.prepared.sourceConfig : this.prepared.destinationConfig;
    const status = await this.prepared[role].check(config, this.ctx(role));
    if (status.message === undefined) return status;
    return { ...status, message: this.prepared.redactor.text(status.message) };
  }

  discover(): Promise<Catalog> {
    return this.prepared.source.discover(this.prepared.sourceConfig, this.ctx('source'));
  }

  /** Reads the sync's streams from the source alone, from the given states (none: the start). */
  async *read(states: StateMessage[] = []): AsyncIterable<Message> {
    const catalog = buildConfiguredCatalog(
      await this.discover(),
      this.prepared.sync.streams,
      { syncId: 0, generationId: 0 },
      this.prepared.at,
    );
    yield* this.prepared.source.read(
      this.prepared.sourceConfig,
      catalog,
      states,
      this.ctx('source'),
    );
  }
}
