import type { Static, TSchema } from 'typebox';
import { parseConfig, publishedConfigSchema } from './config.js';
import type { Catalog, ConfiguredCatalog } from './messages/catalog.js';
import type { Message } from './messages/message.js';
import type { ConnectionStatus, ConnectorSpecification } from './messages/spec.js';
import type { StateMessage } from './messages/state.js';

/** Structured diagnostics: a message and a metadata object, never a secret or a record. */
export interface Logger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

/** A logger that drops everything, for hosts that do not listen. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What every contract method receives besides its arguments. */
export interface ConnectorContext {
  /** Fires on Ctrl-C or a time limit; long work checks it between steps. */
  signal: AbortSignal;
  logger: Logger;
}

/** What a connector package exports, by either role. */
interface ConnectorBase {
  readonly name: string;
  readonly version: string;
  /** The JSON Schema of the config, secret fields marked with `airbyte_secret`. */
  readonly configSchema: TSchema;
  spec(): ConnectorSpecification;
  /** Validates a raw config; throws a ConfigError naming every bad field. */
  parseConfig(raw: unknown): Record<string, unknown>;
  check(config: unknown, ctx: ConnectorContext): Promise<ConnectionStatus>;
}

/** A source: it describes its streams and reads them as a stream of messages. */
export interface Source extends ConnectorBase {
  readonly role: 'source';
  discover(config: unknown, ctx: ConnectorContext): Promise<Catalog>;
  /** Yields RECORD, STATE, LOG and TRACE messages; a STATE covers every RECORD before it. */
  read(
    config: unknown,
    catalog: ConfiguredCatalog,
    state: StateMessage[],
    ctx: ConnectorContext,
  ): AsyncIterable<Message>;
}

/** A destination: it stores records and acknowledges each state once the data before it is durable. */
export interface Destination extends ConnectorBase {
  readonly role: 'destination';
  /**
   * Consumes RECORD and STATE messages; yields each STATE only after every record before it is
   * durable, plus LOG and TRACE (REJECT, SCHEMA_CHANGE) messages along the way.
   */
  write(
    config: unknown,
    catalog: ConfiguredCatalog,
    messages: AsyncIterable<Message>,
    ctx: ConnectorContext,
  ): AsyncIterable<Message>;
  /** For a destination that keeps state with its data: the states it committed last. */
  committedState?(
    config: unknown,
    catalog: ConfiguredCatalog,
    ctx: ConnectorContext,
  ): Promise<StateMessage[]>;
  /** Forgets the states it keeps for these streams (all when empty), so a reset is never undone. */
  resetState?(
    config: unknown,
    catalog: ConfiguredCatalog,
    streams: string[],
    ctx: ConnectorContext,
  ): Promise<void>;
}

/** Either role. */
export type Connector = Source | Destination;

interface Definition<S extends TSchema> {
  name: string;
  version: string;
  /** The config schema, written once in TypeBox: the config's TypeScript type follows from it. */
  config: S;
  documentationUrl?: string;
  check(config: Static<S>, ctx: ConnectorContext): Promise<ConnectionStatus>;
}

/** What a source author writes: the config schema once, then each method with a typed config. */
export interface SourceDefinition<S extends TSchema> extends Definition<S> {
  discover(config: Static<S>, ctx: ConnectorContext): Promise<Catalog>;
  read(
    config: Static<S>,
    catalog: ConfiguredCatalog,
    state: StateMessage[],
    ctx: ConnectorContext,
  ): AsyncIterable<Message>;
}

/** What a destination author writes. */
export interface DestinationDefinition<S extends TSchema> extends Definition<S> {
  supportedSyncModes?: Array<'overwrite' | 'append' | 'append_dedup'>;
  write(
    config: Static<S>,
    catalog: ConfiguredCatalog,
    messages: AsyncIterable<Message>,
    ctx: ConnectorContext,
  ): AsyncIterable<Message>;
  committedState?(
    config: Static<S>,
    catalog: ConfiguredCatalog,
    ctx: ConnectorContext,
  ): Promise<StateMessage[]>;
  resetState?(
    config: Static<S>,
    catalog: ConfiguredCatalog,
    streams: string[],
    ctx: ConnectorContext,
  ): Promise<void>;
}

function base<S extends TSchema>(def: Definition<S>, extra: Partial<ConnectorSpecification>) {
  const parse = (raw: unknown) => parseConfig(def.config, raw) as Static<S>;
  return {
    name: def.name,
    version: def.version,
    configSchema: def.config,
    parse,
    spec(): ConnectorSpecification {
      const spec: ConnectorSpecification = {
        connectionSpecification: publishedConfigSchema(def.config),
        protocol_version: '0.2.0',
        ...extra,
      };
      if (def.documentationUrl) spec.documentationUrl = def.documentationUrl;
      return spec;
    },
    parseConfig: (raw: unknown) => parse(raw) as Record<string, unknown>,
    check: (raw: unknown, ctx: ConnectorContext) => def.check(parse(raw), ctx),
  };
}

/** Turns a source definition into a Source whose every method validates its config first. */
export function defineSource<S extends TSchema>(def: SourceDefinition<S>): Source {
  const { parse, ...common } = base(def, { supportsIncremental: true });
  return {
    ...common,
    role: 'source',
    discover: (raw, ctx) => def.discover(parse(raw), ctx),
    read: (raw, catalog, state, ctx) => def.read(parse(raw), catalog, state, ctx),
  };
}

/** Turns a destination definition into a Destination whose every method validates its config first. */
export function defineDestination<S extends TSchema>(def: DestinationDefinition<S>): Destination {
  const modes = def.supportedSyncModes ?? ['overwrite', 'append', 'append_dedup'];
  const { parse, ...common } = base(def, { supported_destination_sync_modes: modes });
  const destination: Destination = {
    ...common,
    role: 'destination',
    write: (raw, catalog, messages, ctx) => def.write(parse(raw), catalog, messages, ctx),
  };
  const committed = def.committedState;
  if (committed)
    destination.committedState = (raw, catalog, ctx) => committed(parse(raw), catalog, ctx);
  const reset = def.resetState;
  if (reset)
    destination.resetState = (raw, catalog, streams, ctx) =>
      reset(parse(raw), catalog, streams, ctx);
  return destination;
}

/** True for an object that looks like a Source or Destination, as loaded from a package. */
export function isConnector(value: unknown): value is Connector {
  const v = value as Partial<Connector> | undefined;
  return !!v && (v.role === 'source' || v.role === 'destination') && typeof v.spec === 'function';
}
