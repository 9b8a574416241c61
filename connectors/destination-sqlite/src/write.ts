import {
  type ConfiguredCatalog,
  type ConnectorContext,
  DestinationError,
  type Message,
  messageBatches,
  type RecordMessage,
  type StateMessage,
  stateKind,
  streamKey,
  throwIfAborted,
} from '@tributary/core';
import type { SqliteConfig } from './config.js';
import {
  beginWrite,
  type Db,
  databasePath,
  ensureSystemTables,
  lockedError,
  openDatabase,
} from './database.js';
import { saveState, stateKeyOf } from './state-store.js';
import { StreamWriter } from './stream-writer.js';

/**
 * The write loop. One transaction runs from one STATE to the next: records are written into
 * it as they come, and the STATE is stored in `_tributary_state` and committed with them,
 * then yielded back (with the TRACE messages of that transaction before it). When the input
 * throws, the open transaction is rolled back and the error rethrown: nothing uncovered lands.
 *
 * Overwrite streams load into a staging table; their STATEs are held back and stored in
 * the transaction that swaps the new table in after the input ended normally, so a failed
 * run leaves both the old table and the old state as they were.
 */
export async function* writeMessages(
  config: SqliteConfig,
  catalog: ConfiguredCatalog,
  messages: AsyncIterable<Message>,
  ctx: ConnectorContext,
): AsyncGenerator<Message> {
  const db = openDatabase(config);
  const traces: Message[] = [];
  const held: StateMessage[] = [];
  let writers: Map<string, StreamWriter> | undefined;
  let committed = false;
  try {
    writers = openWriters(db, config, catalog, traces, ctx);
    const overwrite = new Set(
      [...writers].filter(([, w]) => w.mode === 'overwrite').map(([key]) => key),
    );
    // Arrays of messages when the input offers them (core's MESSAGE_BATCHES): no await per
    // record. Any other input comes one message an array.
    for await (const batch of messageBatches(messages)) {
      throwIfAborted(ctx.signal);
      for (const message of batch) {
        if (message.type === 'RECORD') {
          writerOf(writers, message.record).accept(message.record);
        } else if (message.type === 'STATE') {
          for (const writer of writers.values()) writer.flush();
          const state = message.state;
          const key = stateKeyOf(state);
          const deferred = stateKind(state) === 'STREAM' ? overwrite.has(key) : overwrite.size > 0;
          if (deferred) held.push(state);
          else {
            begin(db, config);
            saveState(db, state);
          }
          if (db.inTransaction) db.exec('COMMIT');
          yield* traces.splice(0);
          if (!deferred) {
            yield message;
            // The consumer ran while we were suspended and may have cancelled the run: stop
            // before the rest of the array, as a message-at-a-time input would.
            throwIfAborted(ctx.signal);
          }
        }
      }
    }
    begin(db, config);
    for (const writer of writers.values()) writer.finish();
    for (const state of held) saveState(db, state);
    db.exec('COMMIT');
    committed = true;
    yield* traces.splice(0);
    for (const state of held) yield { type: 'STATE', state };
    ctx.logger.debug('sqlite destination: input ended, everything committed', {
      path: databasePath(config),
    });
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    if (!committed && writers) discardStaging(db, writers, ctx);
    db.close();
  }
}

/**
 * Drops the staging tables of a run that did not end well. A failure here must not hide the
 * run's own error: it is logged, and the next run drops what is left.
 */
function discardStaging(db: Db, writers: Map<string, StreamWriter>, ctx: ConnectorContext): void {
  const overwrites = [...writers.values()].filter((w) => w.mode === 'overwrite');
  if (overwrites.length === 0) return;
  try {
    db.transaction(() => {
      for (const writer of overwrites) writer.discard();
    }).immediate();
  } catch (error) {
    ctx.logger.warn('sqlite destination: could not drop the staging tables of a failed run', {
      tables: overwrites.map((w) => w.schema.table),
      error: (error as Error).message,
    });
  }
}

function begin(db: Db, config: SqliteConfig): void {
  try {
    beginWrite(db);
  } catch (error) {
    throw lockedError(error, databasePath(config), config.busy_timeout_ms);
  }
}

/** A writer per configured stream; every table exists (empty if need be) before any record. */
function openWriters(
  db: Db,
  config: SqliteConfig,
  catalog: ConfiguredCatalog,
  traces: Message[],
  ctx: ConnectorContext,
): Map<string, StreamWriter> {
  const context = {
    db,
    path: databasePath(config),
    identifierCollision: config.identifier_collision,
    rowsPerStatement: config.rows_per_statement,
    busyTimeoutMs: config.busy_timeout_ms,
    traces,
    logger: ctx.logger,
  };
  const writers = new Map<string, StreamWriter>();
  begin(db, config);
  ensureSystemTables(db);
  for (const stream of catalog.streams) {
    writers.set(streamKey(stream.stream), new StreamWriter(context, stream));
  }
  db.exec('COMMIT');
  return writers;
}

function writerOf(writers: Map<string, StreamWriter>, record: RecordMessage): StreamWriter {
  const key = streamKey({ name: record.stream, namespace: record.namespace });
  const writer = writers.get(key);
  if (writer) return writer;
  throw new DestinationError(
    `a record of stream '${key}', which the configured catalog does not hold`,
    { stream: record.stream },
  );
}
