import type { StateMessage } from '@tributary/core';
import type { RunStatus, StreamCounts } from '../events.js';

/** The format version of a stored state row; a migration bumps it. */
export const STATE_SCHEMA_VERSION = 1;

/** The key under which a GLOBAL (or legacy) state is kept. */
export const GLOBAL_STATE_KEY = '__global__';

/** A stream's state as the engine keeps it, with its place in the sync's order. */
export interface StoredState {
  /** streamKey() of the stream, or GLOBAL_STATE_KEY. */
  stream: string;
  /** Absent after a reset: the row then only says from which generation on states count. */
  state: StateMessage | undefined;
  generation: number;
  sequence: number;
  updatedAt: string;
}

/** A sync's counters: generation grows on each reset, sequence on each forwarded state. */
export interface SyncPosition {
  generation: number;
  sequence: number;
}

/** One run of a sync, as run history shows it. */
export interface RunRecord {
  id: number;
  sync: string;
  startedAt: string;
  endedAt: string | undefined;
  status: RunStatus;
  counts: Record<string, StreamCounts>;
  error: string | undefined;
}

/** A record that was left out under `on_bad_record: reject`. */
export interface RejectRecord {
  id: number;
  runId: number;
  sync: string;
  stream: string;
  reason: string;
  code: string;
  recordKey: string | undefined;
  record: Record<string, unknown> | undefined;
  createdAt: string;
}

/** Proof of holding a sync's lock; give it back to release it. */
export interface SyncLock {
  sync: string;
  owner: string;
}

/**
 * Where the engine keeps what must survive a run: states, the generation and sequence of each
 * sync, run history, rejects and the lock that keeps two runs of one sync apart. Async so a
 * server-backed store (Postgres) fits behind the same interface.
 */
export interface StateStore {
  /** Takes the sync's lock or throws SyncLockedError; a dead process's lock is taken over. */
  acquireLock(sync: string): Promise<SyncLock>;
  releaseLock(lock: SyncLock): Promise<void>;

  /** The sync's counters, and the generation before which no state counts (the last full reset). */
  position(sync: string): Promise<SyncPosition & { minGeneration: number }>;
  /** Raises the sync's sequence to at least this value. */
  raiseSequence(sync: string, sequence: number): Promise<void>;

  states(sync: string): Promise<StoredState[]>;
  /** Keeps a state the destination acknowledged. */
  saveState(
    sync: string,
    stream: string,
    state: StateMessage,
    position: SyncPosition,
  ): Promise<void>;
  /** Starts a new generation and forgets the states of these streams (all when absent). */
  reset(sync: string, streams?: string[]): Promise<SyncPosition>;

  startRun(sync: string): Promise<number>;
  finishRun(
    runId: number,
    status: RunStatus,
    counts: Record<string, StreamCounts>,
    error?: string,
  ): Promise<void>;
  runs(sync?: string, limit?: number): Promise<RunRecord[]>;

  addReject(reject: Omit<RejectRecord, 'id' | 'createdAt'>): Promise<void>;
  rejects(sync: string, runId?: number): Promise<RejectRecord[]>;

  close(): Promise<void>;
}
