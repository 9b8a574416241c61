import {
  type ConfiguredCatalog,
  type ConnectionStatus,
  type ConnectorContext,
  defineSource,
  MESSAGE_BATCHES,
  type Message,
  type StateMessage,
  streamKey,
  throwIfAborted,
  trace,
} from '@tributary/core';
import type pg from 'pg';
import { loadTables } from './catalog.js';
import { PostgresSourceConfig } from './config.js';
import { connect, toSourceError } from './connection.js';
import { streamOf } from './discover.js';
import { planStream, type StreamPlan } from './plan.js';
import { readFullRefresh } from './read-full.js';
import { readIncremental } from './read-incremental.js';
import { findStreamState } from './state.js';

export { PostgresSourceConfig } from './config.js';
export type { CursorState } from './state.js';

/** Reads PostgreSQL tables and views as streams, full refresh or incremental. */
export const source = defineSource({
  name: 'source-postgres',
  version: '0.1.0',
  config: PostgresSourceConfig,
  documentationUrl: 'https://www.postgresql.org/docs/current/catalogs.html',

  async check(config, ctx): Promise<ConnectionStatus> {
    try {
      const client = await connect(config);
      try {
        await client.query('SELECT 1');
      } finally {
        await client.end();
      }
      return { status: 'SUCCEEDED' };
    } catch (error) {
      const failure = toSourceError(error, config, 'cannot connect to');
      ctx.logger.warn('check failed', { code: failure.code, host: config.host, user: config.user });
      return { status: 'FAILED', message: failure.message };
    }
  },

  async discover(config, ctx) {
    const client = await connect(config);
    try {
      const tables = await loadTables(client, config.schemas);
      ctx.logger.debug('discovered', { streams: tables.length, schemas: config.schemas });
      return { streams: tables.map((t) => streamOf(t, config)) };
    } catch (error) {
      throw toSourceError(error, config, 'cannot discover tables of');
    } finally {
      await client.end();
    }
  },

  read(config, catalog, states, ctx) {
    // The same messages one by one, or as the pages they are read in (core's
    // MESSAGE_BATCHES) for a consumer that takes arrays: no await per record.
    const batches = readAll(config, catalog, states, ctx);
    return Object.assign(oneByOne(batches, ctx.signal), { [MESSAGE_BATCHES]: () => batches });
  },
});

export default source;

/** Message by message; a cancel stops before the next record, not at the end of its page. */
async function* oneByOne(
  batches: AsyncGenerator<Message[]>,
  signal: AbortSignal,
): AsyncGenerator<Message> {
  for await (const batch of batches) {
    for (const message of batch) {
      if (message.type === 'RECORD') throwIfAborted(signal);
      yield message;
    }
  }
}

async function* readAll(
  config: PostgresSourceConfig,
  catalog: ConfiguredCatalog,
  states: StateMessage[],
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  const client = await connect(config);
  try {
    const schemas = [
      ...new Set(catalog.streams.map((s) => s.stream.namespace ?? config.schemas[0] ?? 'public')),
    ];
    const tables = await loadTables(client, schemas).catch((error: unknown) => {
      throw toSourceError(error, config, 'cannot read the catalog of');
    });
    for (const configured of catalog.streams) {
      throwIfAborted(ctx.signal);
      const plan = planStream(configured, tables, config.schemas[0] ?? 'public');
      yield [status(plan, 'STARTED')];
      try {
        yield* readStream(client, plan, findStreamState(states, configured), config, ctx);
      } catch (error) {
        throw toSourceError(error, config, `cannot read stream '${plan.name}' from`, {
          stream: plan.name,
        });
      }
      yield [status(plan, 'COMPLETE')];
    }
  } finally {
    await client.end().catch(() => {});
  }
}

function readStream(
  client: pg.Client,
  plan: StreamPlan,
  rawState: unknown,
  config: PostgresSourceConfig,
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  ctx.logger.info('reading stream', {
    stream: streamKey({ name: plan.name, namespace: plan.namespace }),
    sync_mode: plan.configured.sync_mode,
  });
  if (plan.configured.sync_mode === 'incremental') {
    const options = {
      fetchSize: config.fetch_size,
      checkpointInterval: config.checkpoint_interval,
    };
    return readIncremental(client, plan, rawState, options, ctx);
  }
  return readFullRefresh(client, plan, config.fetch_size, ctx);
}

function status(plan: StreamPlan, value: 'STARTED' | 'COMPLETE'): Message {
  return trace({
    type: 'STREAM_STATUS',
    stream_status: {
      stream_descriptor: { name: plan.name, namespace: plan.namespace },
      status: value,
    },
  });
}
