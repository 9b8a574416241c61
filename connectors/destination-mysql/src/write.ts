import {
  type ConfiguredCatalog,
  type ConnectorContext,
  type Message,
  messageBatches,
  type StateMessage,
  streamKey,
  throwIfAborted,
} from '@tributary/core';
import type { MysqlConfig } from './config.js';
import { closeSession, openSession, type Session, wrapError } from './connection.js';
import { Loader } from './loader.js';
import { ensureMetaTables, stateKeyOf, writeState } from './meta-tables.js';
import { MIB, ReloadBuffer } from './reload-buffer.js';
import { StreamWriter, type Taken } from './stream-writer.js';

/**
 * Jobs (a batch's load, a STATE's write and commit) queued on the connection behind the one
 * running: the server starts the next as soon as it ends, without waiting for this thread
 * to come back to its event loop, while the thread checks the records after them.
 */
const LANE_DEPTH = 2;
/** Records checked between two turns of the event loop while a job runs, so its replies are read. */
const YIELD_EVERY = 256;
/** LOAD DATA text at which an append/overwrite batch is loaded, whatever `batch_size` says. */
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * The write loop. Records are checked (DDL first, since MySQL commits on DDL) and held; at
 * each STATE every held record is applied and the state written in one transaction, then
 * the state is yielded. A batch that fills up before its STATE is applied into the open
 * transaction (and kept until its STATE, up to `reload_buffer_mb`: a schema change before
 * then rolls it back, and applies it again after the DDL, so nothing uncovered is committed;
 * see ReloadBuffer for what happens past the cap). Loads and commits run in order on the
 * connection while the next records are checked (LANE_DEPTH). Overwrite streams keep their
 * states until their fresh table is swapped in at the end.
 *
 * `reload` is made from the config unless given (a test reads what it holds).
 */
export async function* writeMessages(
  config: MysqlConfig,
  catalog: ConfiguredCatalog,
  messages: AsyncIterable<Message>,
  ctx: ConnectorContext,
  reload: ReloadBuffer = new ReloadBuffer(config.reload_buffer_mb * MIB),
): AsyncGenerator<Message> {
  const session = await openSession(config);
  const { conn } = session;
  let open = false;
  // The jobs queued or running, in order; each starts when the one before it has ended.
  const lane: Promise<void>[] = [];
  let running = 0;
  let salvage = async () => {};
  const acked: Message[] = [];
  // Every queued job ended; the first failure, if any, is thrown (the jobs after it did
  // not run). Done before any statement outside the lane.
  const settle = async () => {
    const last = lane.at(-1);
    lane.length = 0;
    if (last) await last;
  };
  // Queues a job behind the others; waits while more than LANE_DEPTH are queued.
  const enqueue = async (job: () => Promise<void>) => {
    const run = (lane.at(-1) ?? Promise.resolve()).then(job);
    running++;
    const ended = () => {
      running--;
    };
    run.then(ended, ended);
    lane.push(run);
    while (lane.length > LANE_DEPTH) {
      await lane[0];
      lane.shift();
    }
  };
  try {
    await ensureMetaTables(conn, session.collation);
    const loader = new Loader(session, config.load_method, config.insert_statement_bytes, (why) =>
      ctx.logger.info('LOAD DATA LOCAL refused; using multi-row INSERT', { reason: why }),
    );
    const writers = new Map<string, StreamWriter>();
    for (const configured of catalog.streams) {
      const writer = new StreamWriter(
        conn,
        loader,
        configured,
        config,
        ctx.logger,
        session.collation,
      );
      await writer.start();
      writers.set(writer.key, writer);
    }
    const overwriteKeys = new Set(
      [...writers.values()].filter((w) => w.mode === 'overwrite').map((w) => w.key),
    );
    const deferred: Array<[string, StateMessage]> = [];
    // STATEs written in the open transaction but not committed yet (commit_interval_ms), and
    // the messages a commit has acknowledged, to yield in order.
    let held: Array<{ state: StateMessage; holdBack: boolean }> = [];
    let lastCommit = 0;
    // The savepoint after the last STATE written and not committed yet. Two names in turn: the
    // next one is set (queued behind its state's write) before that write is known to be good.
    let goodSavepoint: string | undefined;
    let savepointTurn = 0;
    const committed = () => {
      lastCommit = Date.now();
      goodSavepoint = undefined;
      acked.push(...drain());
      for (const h of held) if (!h.holdBack) acked.push({ type: 'STATE', state: h.state });
      held = [];
    };

    const begin = async () => {
      if (!open) await conn.query('START TRANSACTION');
      open = true;
    };
    // DDL commits the open transaction in MySQL. What its STATEs cover is committed first;
    // batches applied after the last of them are rolled back and handed back to their
    // writers, to be applied again after the DDL, so no record lands before its STATE.
    // Batches the reload buffer let go cannot be applied again: they are committed as well.
    const beforeDdl = async () => {
      await settle();
      if (!open) return;
      const released = [...reload.released];
      const taken = reload.take();
      if (taken.length > 0 && goodSavepoint) {
        await conn.query(`ROLLBACK TO SAVEPOINT ${goodSavepoint}`);
      }
      await conn.query(taken.length > 0 && !goodSavepoint ? 'ROLLBACK' : 'COMMIT');
      open = false;
      committed();
      for (const stream of released) {
        ctx.logger.warn(
          'a schema change committed records loaded since the last STATE ahead of their ' +
            'STATE (more than reload_buffer_mb to hold): a failure before the next STATE ' +
            'leaves them, and a rerun of an append stream can load them twice',
          { component: 'destination-mysql', stream, reload_buffer_mb: config.reload_buffer_mb },
        );
      }
      for (const [writer, batch] of taken.reverse()) writer.restore(batch);
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
    // On a failure, the STATEs already written are still committed and acknowledged: records
    // loaded after the last of them are rolled back to its savepoint. The failure itself, if
    // this fails too, is what the run reports.
    salvage = async () => {
      await settle().catch(() => undefined);
      if (held.length === 0 || !open || !goodSavepoint) return;
      try {
        await conn.query(`ROLLBACK TO SAVEPOINT ${goodSavepoint}`);
        await conn.query('COMMIT');
        open = false;
        committed();
      } catch {}
    };
    let lastStream: string | undefined;
    let lastNamespace: string | undefined;
    let lastWriter: StreamWriter | undefined;
    let sinceYield = 0;

    const input = messageBatches(messages)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Message[]>;
      try {
        next = await input.next();
      } catch (error) {
        // The input failed: a STATE already committed is still acknowledged first. Its own
        // failure, if any, is not what the run reports: the input's error is.
        await salvage();
        yield* acked.splice(0);
        throw error;
      }
      if (next.done) break;
      throwIfAborted(ctx.signal);
      for (const message of next.value) {
        if (message.type === 'RECORD') {
          const { stream, namespace } = message.record;
          let writer = lastWriter;
          if (stream !== lastStream || namespace !== lastNamespace || !writer) {
            writer = writers.get(streamKey({ name: stream, namespace }));
            if (!writer) {
              ctx.logger.warn('record for a stream not in the catalog', { stream });
              continue;
            }
            lastStream = stream;
            lastNamespace = namespace;
            lastWriter = writer;
          }
          const slow = writer.add(message.record, beforeDdl);
          if (slow) await slow;
          if (writer.pendingCount >= config.batch_size || writer.pendingBytes >= BATCH_BYTES) {
            const batch = writer.take();
            const target = writer;
            await enqueue(async () => {
              await begin();
              reload.hold(target, batch);
              await target.apply(batch);
            });
          }
          if (writer.out.length > 0) yield* drain();
          if (acked.length > 0) yield* acked.splice(0);
          if (running > 0 && ++sinceYield >= YIELD_EVERY) {
            // The replies of the running job are read on the event loop, which a long array
            // of messages would otherwise hold off: the server would wait for this thread.
            sinceYield = 0;
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
        } else if (message.type === 'STATE') {
          // The commit runs while the next records are checked; the STATE is yielded once it
          // is committed, after the traces of the records it covers.
          if (acked.length > 0) yield* acked.splice(0);
          const stateKey = stateKeyOf(message.state, streamKey);
          const holdBack =
            overwriteKeys.has(stateKey) || (stateKey === '__global__' && overwriteKeys.size > 0);
          const taken: Array<[StreamWriter, Taken]> = [];
          for (const writer of writers.values()) {
            if (writer.pendingCount > 0) taken.push([writer, writer.take()]);
          }
          await enqueue(async () => {
            // Each commit waits for the disk: STATEs closer than commit_interval_ms share one.
            const commitNow = Date.now() - lastCommit >= config.commit_interval_ms;
            const savepoint = commitNow ? undefined : `tributary_state_${savepointTurn++ % 2}`;
            // The state's write (and savepoint) queued right behind the last LOAD DATA: no
            // round trip between them. Where they may not stand (see apply), done again after.
            const mark = () => {
              const steps: Promise<unknown>[] = [];
              if (!holdBack) steps.push(writeState(conn, stateKey, message.state));
              if (savepoint) steps.push(conn.query(`SAVEPOINT ${savepoint}`));
              const all = Promise.all(steps);
              all.catch(() => undefined); // awaited below
              return all;
            };
            await begin();
            const last = taken.pop();
            for (const [writer, batch] of taken) await writer.apply(batch);
            let marked: Promise<unknown> | undefined;
            const queue = () => {
              marked = mark();
            };
            const stands = last ? await last[0].apply(last[1], queue) : false;
            if (stands && marked) await marked;
            else await mark();
            if (holdBack) deferred.push([stateKey, message.state]);
            reload.take(); // this state's savepoint or commit covers them
            if (commitNow) {
              await conn.query('COMMIT');
              open = false;
              held.push({ state: message.state, holdBack });
              committed();
            } else {
              goodSavepoint = savepoint;
              held.push({ state: message.state, holdBack });
            }
          });
        }
      }
    }

    await settle();
    yield* acked.splice(0);
    await applyAll();
    if (open) await conn.query('COMMIT');
    open = false;
    committed();
    yield* acked.splice(0);
    for (const writer of writers.values()) await writer.finish();
    if (deferred.length > 0) {
      await conn.query('START TRANSACTION');
      for (const [key, state] of deferred) await writeState(conn, key, state);
      await conn.query('COMMIT');
      for (const [, state] of deferred) yield { type: 'STATE', state };
    }
  } catch (error) {
    await salvage();
    yield* acked.splice(0);
    await settle().catch(() => undefined);
    if (open) await conn.query('ROLLBACK').catch(() => undefined);
    throw wrapError(error, `writing to MySQL ${session.where}`, session.secrets);
  } finally {
    await closeSession(session);
  }
}

export type { Session };
