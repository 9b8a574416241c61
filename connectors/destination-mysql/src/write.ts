import {
  type ConfiguredCatalog,
  type ConnectorContext,
  type Message,
  type StateMessage,
  streamKey,
  throwIfAborted,
} from '@tributary/core';
import type { MysqlConfig } from './config.js';
import { closeSession, openSession, type Session, wrapError } from './connection.js';
import { Loader } from './loader.js';
import { ensureMetaTables, stateKeyOf, writeState } from './meta-tables.js';
import { StreamWriter } from './stream-writer.js';

/**
 * The write loop. Records are checked (DDL first, since MySQL commits on DDL) and held; at
 * each STATE every held record is applied and the state written in one transaction, then
 * the state is yielded. A batch that fills up before its STATE is applied into the open
 * transaction, so memory stays flat and nothing uncovered is committed. Overwrite streams
 * keep their states until their fresh table is swapped in at the end.
 */
export async function* writeMessages(
  config: MysqlConfig,
  catalog: ConfiguredCatalog,
  messages: AsyncIterable<Message>,
  ctx: ConnectorContext,
): AsyncGenerator<Message> {
  const session = await openSession(config);
  const { conn } = session;
  let open = false;
  let inflight: Promise<void> | undefined;
  try {
    await ensureMetaTables(conn);
    const loader = new Loader(session, config.load_method, config.insert_statement_bytes, (why) =>
      ctx.logger.info('LOAD DATA LOCAL refused; using multi-row INSERT', { reason: why }),
    );
    const writers = new Map<string, StreamWriter>();
    for (const configured of catalog.streams) {
      const writer = new StreamWriter(conn, loader, configured, config, ctx.logger);
      await writer.start();
      writers.set(writer.key, writer);
    }
    const overwriteKeys = new Set(
      [...writers.values()].filter((w) => w.mode === 'overwrite').map((w) => w.key),
    );
    const deferred: Array<[string, StateMessage]> = [];

    // The last batch's load, left running while the next records are checked: the server
    // and this process work at the same time. Settled before any other statement.
    const settle = async () => {
      const running = inflight;
      inflight = undefined;
      if (running) await running;
    };
    const begin = async () => {
      if (!open) await conn.query('START TRANSACTION');
      open = true;
    };
    const beforeDdl = async () => {
      await settle();
      if (!open) return;
      // DDL commits the open transaction in MySQL: the records applied so far land early.
      ctx.logger.warn('a schema change commits records applied before their STATE', {
        component: 'destination-mysql',
      });
      open = false;
    };
    const applyAll = async () => {
      await settle();
      for (const writer of writers.values()) {
        if (writer.pendingCount === 0) continue;
        await begin();
        await writer.apply();
      }
    };
    const drain = function* () {
      for (const writer of writers.values()) {
        if (writer.out.length > 0) yield* writer.out.splice(0);
      }
    };

    for await (const message of messages) {
      throwIfAborted(ctx.signal);
      if (message.type === 'RECORD') {
        const { stream, namespace } = message.record;
        const key = streamKey({ name: stream, namespace });
        const writer = writers.get(key);
        if (!writer) {
          ctx.logger.warn('record for a stream not in the catalog', { stream: key });
          continue;
        }
        await writer.add(message.record, beforeDdl);
        if (writer.pendingCount >= config.batch_size) {
          await settle();
          await begin();
          inflight = writer.apply();
          inflight.catch(() => undefined); // awaited by settle(); not an unhandled rejection
        }
        if (writer.out.length > 0) yield* drain();
      } else if (message.type === 'STATE') {
        await applyAll();
        const stateKey = stateKeyOf(message.state, streamKey);
        const holdBack =
          overwriteKeys.has(stateKey) || (stateKey === '__global__' && overwriteKeys.size > 0);
        await begin();
        if (holdBack) deferred.push([stateKey, message.state]);
        else await writeState(conn, stateKey, message.state);
        await conn.query('COMMIT');
        open = false;
        yield* drain();
        if (!holdBack) yield message;
      }
    }

    await applyAll();
    if (open) await conn.query('COMMIT');
    open = false;
    yield* drain();
    for (const writer of writers.values()) await writer.finish();
    if (deferred.length > 0) {
      await conn.query('START TRANSACTION');
      for (const [key, state] of deferred) await writeState(conn, key, state);
      await conn.query('COMMIT');
      for (const [, state] of deferred) yield { type: 'STATE', state };
    }
  } catch (error) {
    await inflight?.catch(() => undefined);
    if (open) await conn.query('ROLLBACK').catch(() => undefined);
    throw wrapError(error, `writing to MySQL ${session.where}`, session.secrets);
  } finally {
    await closeSession(session);
  }
}

export type { Session };
