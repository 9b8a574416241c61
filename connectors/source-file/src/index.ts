import {
  type Catalog,
  ConfigError,
  type ConfiguredCatalog,
  type ConnectorContext,
  defineSource,
  MESSAGE_BATCHES,
  type Message,
  type StateMessage,
  type Stream,
  stateKind,
  TributaryError,
} from '@tributary/core';
import { FileSourceConfig as ConfigSchema, type FileSourceConfig } from './config.js';
import { resolveFiles } from './files.js';
import { flatten } from './flatten.js';
import { inferFieldTypes, jsonSchemaOf } from './infer.js';
import { readStream, type StreamPlan } from './read.js';

export type { FileSourceConfig, FileStreamConfig } from './config.js';
export type { FileStreamState } from './cursor.js';

/** Reads CSV, JSON Lines and JSON array files (paths or globs) as streams. */
export const source = defineSource({
  name: 'source-file',
  version: '0.1.0',
  config: ConfigSchema,

  async check(config) {
    try {
      for (const stream of config.streams) await resolveFiles(stream);
      return { status: 'SUCCEEDED' };
    } catch (error) {
      if (error instanceof TributaryError) return { status: 'FAILED', message: error.message };
      throw error;
    }
  },

  async discover(config, ctx) {
    const streams: Stream[] = [];
    for (const stream of config.streams) {
      const files = await resolveFiles(stream);
      const types = await inferFieldTypes(stream, files, ctx.logger);
      const described: Stream = {
        name: stream.name,
        json_schema: jsonSchemaOf(types),
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: false,
        is_resumable: true,
      };
      if (stream.cursor_field) described.default_cursor_field = [stream.cursor_field];
      if (stream.primary_key?.length) {
        described.source_defined_primary_key = stream.primary_key.map((k) => [k]);
      }
      streams.push(described);
    }
    return { streams } satisfies Catalog;
  },

  read(config, catalog, states, ctx) {
    // The same messages one by one, or as the arrays they are made in (core's
    // MESSAGE_BATCHES) for a consumer that takes arrays.
    const batches = readAll(config, catalog, states, ctx);
    return Object.assign(flatten(batches), { [MESSAGE_BATCHES]: () => batches });
  },
});

export default source;

async function* readAll(
  config: FileSourceConfig,
  catalog: ConfiguredCatalog,
  states: StateMessage[],
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  // Every file of every stream is found before the first record: a missing file fails the
  // run at once rather than after other streams were sent.
  const plans: StreamPlan[] = [];
  for (const configured of catalog.streams) {
    const name = configured.stream.name;
    const stream = config.streams.find((s) => s.name === name);
    if (!stream) {
      throw new ConfigError(`stream '${name}' is in the catalog but not in the config`, [], {
        stream: name,
      });
    }
    const files = await resolveFiles(stream);
    plans.push({ config: stream, configured, files, savedState: savedStateOf(states, name) });
  }
  for (const plan of plans) yield* readStream(plan, ctx);
}

function savedStateOf(states: StateMessage[], name: string): unknown {
  for (const s of states) {
    if (stateKind(s) === 'STREAM' && s.stream?.stream_descriptor.name === name) {
      return s.stream.stream_state;
    }
  }
  return undefined;
}
