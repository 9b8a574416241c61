import {
  CancelledError,
  ConfigError,
  type ConnectorContext,
  type ErrorContext,
  type Message,
  type StateMessage,
  type TraceReject,
  TributaryError,
  throwIfAborted,
} from '@tributary/core';
import type { SyncConfig } from '../config/schema.js';
import { EngineEmitter, type StreamCounts, type StreamSummary } from '../events.js';
import { eventLogger } from '../logger.js';
import { Redactor } from '../redact.js';
import type { StateStore } from '../state/store.js';
import { buildConfiguredCatalog } from './catalog.js';
import { Inbound } from './inbound.js';
import { type PreparedSync, type PrepareOptions, prepareSync } from './prepare.js';
import { destinationName, sharedStateMessage } from './shared-state.js';
import { chooseStates, type StartingStates } from './states.js';
import { rate, StreamRun } from './stream-run.js';

export interface RunSyncOptions extends PrepareOptions {
  sync: SyncConfig;
  store: StateStore;
  /** Where the run's events go; nothing is printed. */
  events?: EngineEmitter;
  /** Aborting it stops the run cleanly: what is durable stays with its state. */
  signal?: AbortSignal;
  /** Only these streams of the sync (names); all when absent. */
  streams?: string[];
  /** Minimum time between two progress events of a stream, in milliseconds. */
  progressIntervalMs?: number;
}

/** How a run ended. A failed or cancelled run resolves too; only bad config throws. */
export interface SyncResult {
  sync: string;
  runId: number;
  status: 'succeeded' | 'failed' | 'cancelled';
  streams: StreamSummary[];
  elapsedMs: number;
  error?: { code: string; message: string; context: ErrorContext };
  /** The original error, for hosts that print the stack of an internal bug; secrets masked. */
  cause?: unknown;
}

/**
 * Runs one configured sync: discover, pick states, source → checks → destination, store each
 * acknowledged state. Throws ConfigError (bad config, unknown stream) and SyncLockedError
 * (the sync is running elsewhere); every other failure is a failed run in the result, in the
 * run history and in a `sync:failed` event.
 */
export async function runSync(options: RunSyncOptions): Promise<SyncResult> {
  const prepared = await prepareSync(options.sync, options).catch((error: unknown) => {
    // Before the connectors' secret fields are known, the environment's values are.
    throw error instanceof Error ? new Redactor(options.secrets ?? []).error(error) : error;
  });
  const streams = pickStreams(prepared, options.streams);
  const lock = await options.store.acquireLock(options.sync.name);
  try {
    const runId = await options.store.startRun(options.sync.name);
    return await new SyncRun(prepared, streams, runId, options).execute();
  } finally {
    await options.store.releaseLock(lock);
  }
}

function pickStreams(prepared: PreparedSync, names: string[] | undefined) {
  const all = prepared.sync.streams;
  if (!names || names.length === 0) return all;
  const known = new Set(all.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${prepared.file}: sync '${prepared.sync.name}' has no stream ${unknown.map((n) => `'${n}'`).join(', ')}`,
    );
  }
  return all.filter((s) => names.includes(s.name));
}

/** One run's moving parts; a class so the hooks share the counters without closures per record. */
class SyncRun {
  private readonly events: EngineEmitter;
  private readonly signal: AbortSignal;
  private readonly store: StateStore;
  private readonly name: string;
  private readonly started = Date.now();
  private readonly byKey = new Map<string, StreamRun>();
  private readonly lastProgress = new Map<StreamRun, number>();
  private readonly progressIntervalMs: number;
  private inbound: Inbound | undefined;
  private generation = 0;

  constructor(
    private readonly prepared: PreparedSync,
    private readonly streams: SyncConfig['streams'],
    private readonly runId: number,
    options: RunSyncOptions,
  ) {
    this.events = options.events ?? new EngineEmitter();
    this.signal = options.signal ?? new AbortController().signal;
    this.store = options.store;
    this.name = prepared.sync.name;
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
  }

  async execute(): Promise<SyncResult> {
    try {
      await this.pipe();
    } catch (error) {
      return this.failed(this.inbound?.sourceError ?? error);
    }
    return this.succeeded();
  }

  private context(component: string): ConnectorContext {
    return {
      signal: this.signal,
      logger: eventLogger(this.events, component, this.prepared.redactor),
    };
  }

  private async pipe(): Promise<void> {
    const { source, destination, sourceConfig, destinationConfig } = this.prepared;
    throwIfAborted(this.signal);
    const position = await this.store.position(this.name);
    this.generation = position.generation;

    const discovered = await source.discover(sourceConfig, this.context('source'));
    const catalog = this.catalog(discovered);
    for (const configured of catalog.streams) {
      const run = new StreamRun(configured);
      this.byKey.set(run.key, run);
    }

    const committed = destination.committedState
      ? await destination.committedState(destinationConfig, catalog, this.context('destination'))
      : [];
    const starting = chooseStates(
      await this.store.states(this.name),
      committed,
      catalog,
      position.minGeneration,
      this.name,
    );
    this.refuseForeignStates(starting.foreign);
    if (starting.fromDestination.length > 0) {
      this.log('info', "resuming from the destination's committed state", {
        streams: starting.fromDestination,
      });
    }

    this.events.emit('sync:start', {
      sync: this.name,
      runId: this.runId,
      generation: this.generation,
      streams: [...this.byKey.keys()],
    });
    for (const run of this.byKey.values()) {
      this.events.emit('stream:start', { sync: this.name, runId: this.runId, stream: run.key });
    }

    const read = source.read(sourceConfig, catalog, starting.states, this.context('source'));
    const inbound = new Inbound(
      read,
      this.byKey,
      this.generation,
      this.name,
      Math.max(position.sequence, starting.maxSequence),
      this.signal,
      {
        reject: (stream, reject, by) => this.reject(stream, reject, by),
        side: (message) => void this.side(message, 'source'),
        tick: () => this.progress(false),
      },
    );
    this.inbound = inbound;
    const output = destination.write(
      destinationConfig,
      catalog,
      inbound,
      this.context('destination'),
    );
    for await (const message of output) {
      if (message.type === 'STATE') await this.acknowledge(message.state);
      else await this.side(message, 'destination');
    }
    if (inbound.sourceError !== undefined) throw inbound.sourceError;
    await this.store.raiseSequence(this.name, inbound.lastSequence);
  }

  private catalog(discovered: Parameters<typeof buildConfiguredCatalog>[0]) {
    try {
      return buildConfiguredCatalog(
        discovered,
        this.streams,
        { syncId: this.runId, generationId: this.generation },
        this.prepared.at,
      );
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`${this.prepared.file}: invalid config`, error.issues, {
        file: this.prepared.file,
      });
    }
  }

  /**
   * The destination holds another sync's state for one of these streams: running would
   * resume from that sync's cursor and then overwrite it, so nothing is read at all.
   */
  private refuseForeignStates(foreign: StartingStates['foreign']): void {
    const first = foreign[0];
    if (!first) return;
    const { file } = this.prepared;
    const destination = destinationName(this.prepared.sync.destination);
    const message = sharedStateMessage(destination, first.stream, [first.sync, this.name]);
    throw new ConfigError(`${file}: ${message}`, [], {
      file,
      destination,
      stream: first.stream,
      syncs: [first.sync, this.name],
    });
  }

  /** The destination made a state durable: store it, count what it covers, tell the host. */
  private async acknowledge(state: StateMessage): Promise<void> {
    const sequence = state.tributary?.sequence;
    const checkpoints = this.inbound?.checkpoints ?? [];
    let checkpoint = checkpoints.shift();
    while (checkpoint && sequence !== undefined && checkpoint.sequence < sequence) {
      checkpoint = checkpoints.shift();
    }
    if (!checkpoint) return;
    const now = Date.now();
    for (const [run, covered] of checkpoint.covers) {
      run.counts.committed += covered;
      if (covered > 0) run.lastAt = now; // its records are durable only now
    }
    const position = { generation: this.generation, sequence: checkpoint.sequence };
    await this.store.saveState(
      this.name,
      checkpoint.key,
      this.prepared.redactor.value(state),
      position,
    );
    const single = this.byKey.get(checkpoint.key);
    this.events.emit('state:committed', {
      sync: this.name,
      stream: checkpoint.key,
      ...position,
      committed: single ? single.counts.committed : total(this.byKey, 'committed'),
    });
  }

  /** LOG and TRACE messages that are not states. */
  private async side(message: Message, component: 'source' | 'destination'): Promise<void> {
    if (message.type === 'LOG') {
      const level = message.log.level;
      const mapped =
        level === 'FATAL' || level === 'ERROR'
          ? 'error'
          : level === 'WARN'
            ? 'warn'
            : level === 'DEBUG' || level === 'TRACE'
              ? 'debug'
              : 'info';
      this.log(mapped, message.log.message, {}, component);
      return;
    }
    if (message.type !== 'TRACE') return;
    const trace = message.trace;
    if (trace.type === 'REJECT' && trace.reject) {
      const run = this.byKey.get(keyOf(trace.reject.stream_descriptor));
      if (!run) return;
      run.refusedByDestination++;
      await this.reject(run, trace.reject, 'destination');
    } else if (trace.type === 'SCHEMA_CHANGE' && trace.schema_change) {
      const change = trace.schema_change;
      const event: Parameters<typeof this.events.emit<'schema:change'>>[1] = {
        sync: this.name,
        stream: keyOf(change.stream_descriptor),
        change: change.change,
        field: change.field,
        column: change.column,
        toType: change.to_type,
      };
      if (change.from_type !== undefined) event.fromType = change.from_type;
      this.events.emit('schema:change', event);
    } else if (trace.type === 'ERROR' && trace.error) {
      this.log('error', trace.error.message, { code: trace.error.code }, component);
    }
  }

  /** A record left out: a warning under skip, a row in the rejects table otherwise. */
  private async reject(
    run: StreamRun,
    reject: TraceReject,
    by: 'source' | 'engine' | 'destination',
  ): Promise<void> {
    const redactor = this.prepared.redactor;
    const reason = redactor.text(reject.reason);
    const policy = run.onBadRecord === 'skip' ? 'skip' : 'reject';
    const event: Parameters<typeof this.events.emit<'record:rejected'>>[1] = {
      sync: this.name,
      stream: run.key,
      policy,
      reason,
      by,
    };
    if (reject.record_key !== undefined) event.recordKey = reject.record_key;
    if (policy === 'skip') {
      run.counts.skipped++;
      this.log('warn', `skipped a record of stream '${run.key}': ${reason}`, {
        stream: run.key,
        recordKey: reject.record_key,
      });
    } else {
      run.counts.rejected++;
      await this.store.addReject({
        runId: this.runId,
        sync: this.name,
        stream: run.key,
        reason,
        code: reject.code,
        recordKey: reject.record_key,
        record: redactor.value(
          reject.record ?? (reject.raw === undefined ? undefined : { raw: reject.raw }),
        ),
      });
    }
    this.events.emit('record:rejected', event);
  }

  private progress(final: boolean): void {
    const now = Date.now();
    for (const run of this.byKey.values()) {
      const last = this.lastProgress.get(run) ?? 0;
      if (!final && now - last < this.progressIntervalMs) continue;
      this.lastProgress.set(run, now);
      const elapsedMs = run.elapsedMs(now);
      this.events.emit('stream:progress', {
        sync: this.name,
        stream: run.key,
        records: run.counts.read,
        recordsPerSecond: rate(run.counts.read, elapsedMs),
        elapsedMs,
      });
    }
  }

  private async succeeded(): Promise<SyncResult> {
    this.progress(true);
    // Records after the last state are committed when the input ends normally.
    for (const run of this.byKey.values()) {
      run.counts.committed = run.forwarded - run.refusedByDestination;
    }
    const streams = this.summaries('succeeded');
    await this.store.finishRun(this.runId, 'succeeded', this.counts());
    for (const summary of streams) {
      this.events.emit('stream:complete', { sync: this.name, runId: this.runId, summary });
    }
    const elapsedMs = Date.now() - this.started;
    this.events.emit('sync:complete', { sync: this.name, runId: this.runId, streams, elapsedMs });
    return { sync: this.name, runId: this.runId, status: 'succeeded', streams, elapsedMs };
  }

  private async failed(error: unknown): Promise<SyncResult> {
    const cancelled = this.signal.aborted || error instanceof CancelledError;
    const status = cancelled ? 'cancelled' : 'failed';
    const redactor = this.prepared.redactor;
    const message = redactor.text(error instanceof Error ? error.message : String(error));
    const code = cancelled
      ? 'cancelled'
      : error instanceof TributaryError
        ? error.code
        : 'internal';
    const context = error instanceof TributaryError ? redactor.value({ ...error.context }) : {};
    for (const run of this.byKey.values()) {
      run.counts.committed = Math.max(0, run.counts.committed - run.refusedByDestination);
    }
    const streams = this.summaries(status);
    await this.store.finishRun(this.runId, status, this.counts(), message);
    for (const summary of streams) {
      this.events.emit('stream:complete', { sync: this.name, runId: this.runId, summary });
    }
    const elapsedMs = Date.now() - this.started;
    if (error instanceof ConfigError) throw redactor.error(error);
    this.events.emit('sync:failed', {
      sync: this.name,
      runId: this.runId,
      status,
      code,
      message,
      streams,
      elapsedMs,
    });
    const result: SyncResult = {
      sync: this.name,
      runId: this.runId,
      status,
      streams,
      elapsedMs,
      error: { code, message, context },
    };
    // Hosts print its stack for a bug: a secret of the config must not ride along.
    result.cause = error instanceof Error ? redactor.error(error) : error;
    return result;
  }

  private summaries(status: StreamSummary['status']): StreamSummary[] {
    const now = Date.now();
    return [...this.byKey.values()].map((run) => run.summary(status, now));
  }

  private counts(): Record<string, StreamCounts> {
    return Object.fromEntries([...this.byKey.values()].map((run) => [run.key, { ...run.counts }]));
  }

  private log(
    level: 'debug' | 'info' | 'warn' | 'error',
    message: string,
    meta: Record<string, unknown> = {},
    component = 'engine',
  ): void {
    const redactor = this.prepared.redactor;
    this.events.emit('log', {
      level,
      component,
      message: redactor.text(message),
      meta: redactor.value(meta),
    });
  }
}

function keyOf(descriptor: { name: string; namespace?: string | undefined }): string {
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}

function total(runs: Map<string, StreamRun>, field: keyof StreamCounts): number {
  let sum = 0;
  for (const run of runs.values()) sum += run.counts[field];
  return sum;
}
