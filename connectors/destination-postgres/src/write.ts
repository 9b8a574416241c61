import {
  ConfigError,
  type ConfiguredCatalog,
  type ConnectorContext,
  DestinationError,
  type Message,
  messageBatches,
  primaryKeyOf,
  streamKey,
  streamOptions,
  TributaryError,
  throwIfAborted,
} from '@tributary/core';
import type pg from 'pg';
import type { PostgresConfig } from './config.js';
import {
  connect,
  connectionError,
  describeTarget,
  isConnectionFailure,
  redact,
} from './connection.js';
import { Lane } from './lane.js';
import { ensureMetaTables, saveState } from './meta-tables.js';
import { openStreamTable } from './stream-table.js';
import { StreamWriter } from './stream-writer.js';

/** COPY text queued for the server before the write loop waits (characters). */
// A few chunks: enough to keep Postgres busy while the next chunk is encoded, small enough
// for flat memory.
const QUEUED_CHARS = 8 * 1024 * 1024;

/**
 * Creates (or opens) every stream's table in a transaction of its own, before any record:
 * an empty stream still gets its table, and a name collision under `fail` stops the run
 * before any CREATE TABLE.
 */
async function openWriters(
  client: pg.Client,
  config: PostgresConfig,
  catalog: ConfiguredCatalog,
  ctx: ConnectorContext,
  lane: Lane,
): Promise<{ writers: Map<string, StreamWriter>; messages: Message[] }> {
  const writers = new Map<string, StreamWriter>();
  const messages: Message[] = [];
  await client.query('BEGIN');
  await ensureMetaTables(client, config.schema);
  for (const [index, configured] of catalog.streams.entries()) {
    if (
      configured.destination_sync_mode === 'append_dedup' &&
      primaryKeyOf(configured).length === 0
    )
      throw new ConfigError(
        `stream '${configured.stream.name}': append_dedup needs a primary key`,
        [],
        { stream: configured.stream.name },
      );
    const table = await openStreamTable(client, config, configured);
    const writer = new StreamWriter(
      client,
      table,
      streamOptions(configured),
      ctx.logger,
      index,
      lane,
    );
    messages.push(...(await writer.start()));
    writers.set(table.key, writer);
  }
  await client.query('COMMIT');
  return { writers, messages };
}

function writerFor(writers: Map<string, StreamWriter>, name: string, namespace?: string) {
  const writer = writers.get(streamKey({ name, namespace }));
  if (!writer)
    throw new DestinationError(`record for stream '${name}', which the catalog does not hold`, {
      stream: name,
    });
  return writer;
}

/**
 * The destination's write loop. Records are encoded into chunks that the lane writes into
 * the open transaction in the background; a STATE seals every stream's chunk and queues
 * the state's row and the commit, and is yielded back once that commit is done. At the
 * normal end of input the rest commits (and overwrite tables swap in). If the input throws,
 * the open transaction rolls back: nothing that no STATE covers lands.
 */
export async function* writeMessages(
  config: PostgresConfig,
  catalog: ConfiguredCatalog,
  messages: AsyncIterable<Message>,
  ctx: ConnectorContext,
): AsyncGenerator<Message> {
  const client = await connect(config);
  const lane = new Lane();
  let writers = new Map<string, StreamWriter>();
  try {
    const opened = await openWriters(client, config, catalog, ctx, lane);
    yield* opened.messages;
    writers = opened.writers;
    await client.query('BEGIN');
    let last: { stream: string; namespace: string | undefined; writer: StreamWriter } | undefined;
    // Arrays of messages when the input offers them (core's MESSAGE_BATCHES): no await per
    // record.
    for await (const batch of messageBatches(messages)) {
      throwIfAborted(ctx.signal);
      for (const message of batch) {
        if (message.type === 'RECORD') {
          const { stream, namespace } = message.record;
          if (last === undefined || last.stream !== stream || last.namespace !== namespace)
            last = { stream, namespace, writer: writerFor(writers, stream, namespace) };
          let out = last.writer.add(message.record);
          if (out instanceof Promise) out = await out;
          if (out.length > 0) yield* out;
          if (lane.queuedBytes > QUEUED_CHARS) await lane.below(QUEUED_CHARS);
        } else if (message.type === 'STATE') {
          for (const writer of writers.values()) writer.seal();
          lane.run(0, async () => {
            await saveState(client, config.schema, message.state);
            await client.query('COMMIT; BEGIN');
            return [message];
          });
        }
      }
      const done = lane.take();
      if (done.length > 0) yield* done;
    }
    for (const writer of writers.values()) writer.seal();
    lane.run(0, async () => {
      for (const writer of writers.values()) await writer.finish();
      await client.query('COMMIT');
      return undefined;
    });
    await lane.drain();
    yield* lane.take();
  } catch (error) {
    // Let the queued work end (a STATE queued before the failure still commits and is
    // acknowledged), then undo what no commit covered.
    await lane.settle();
    await client.query('ROLLBACK').catch(() => {});
    const committed = lane.take().filter((m) => m.type === 'STATE');
    if (committed.length > 0) yield* committed;
    throw asTributaryError(config, error);
  } finally {
    await client.end().catch(() => {});
  }
}

function asTributaryError(config: PostgresConfig, error: unknown): TributaryError {
  if (error instanceof TributaryError) {
    const clean = redact(config, error.message);
    if (clean === error.message) return error;
    return new TributaryError(error.code, clean, error.context);
  }
  if (isConnectionFailure(error)) return connectionError(config, error);
  const message = redact(config, error instanceof Error ? error.message : String(error));
  const sqlState = (error as { code?: unknown } | undefined)?.code;
  if (typeof sqlState !== 'string')
    return new DestinationError(`writing to ${describeTarget(config)} failed: ${message}`);
  return new DestinationError(
    `writing to ${describeTarget(config)} failed: ${message} (SQLSTATE ${sqlState})`,
    { sqlState },
  );
}
