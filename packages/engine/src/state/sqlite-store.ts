import { randomUUID } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { ConfigError, type StateMessage, TransientError } from '@tributary/core';
import Database from 'better-sqlite3';
import { SyncLockedError } from '../errors.js';
import type { RunStatus, StreamCounts } from '../events.js';
import { migrate } from './sqlite-schema.js';
import {
  type RejectRecord,
  type RunRecord,
  STATE_SCHEMA_VERSION,
  type StateStore,
  type StoredState,
  type SyncLock,
  type SyncPosition,
} from './store.js';

interface LockRow {
  owner: string;
  pid: number;
  host: string;
  run_id: number | null;
  acquired_at: string;
}

/**
 * Opens the store's file and brings its tables up to date. A state.path that is a folder,
 * or a file that is no SQLite database, is the config's fault: one line naming the path and
 * why, never a driver stack. A store another process keeps locked past the busy timeout is
 * transient.
 */
function openStore(file: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    db = new Database(file);
    // Before anything that takes a lock, so a brief lock is waited for.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    const code = (error as { code?: unknown }).code;
    const why = isFolder(file) ? 'it is a directory' : (error as Error).message;
    const message = `cannot use state store '${file}': ${why}`;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
      throw new TransientError(message, { path: file }, { cause: error });
    }
    throw new ConfigError(message, [], { path: file });
  }
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** The state store in one SQLite file (WAL, so `state show` can read during a run). */
export class SqliteStateStore implements StateStore {
  readonly path: string;
  private readonly db: Database.Database;

  constructor(file: string) {
    this.path = file;
    this.db = openStore(file);
  }

  async acquireLock(sync: string): Promise<SyncLock> {
    const owner = randomUUID();
    const take = this.db.transaction(() => {
      const held = this.db
        .prepare('SELECT owner, pid, host, run_id, acquired_at FROM locks WHERE sync = ?')
        .get(sync) as LockRow | undefined;
      if (held) {
        if (held.host !== hostname() || processAlive(held.pid)) {
          throw new SyncLockedError(
            sync,
            `pid ${held.pid} on ${held.host} since ${held.acquired_at}`,
          );
        }
        // The holder died without releasing: its run can never finish, so close it as failed.
        this.db
          .prepare(
            `UPDATE runs SET status = 'failed', ended_at = ?, error = ? WHERE sync = ? AND status = 'running'`,
          )
          .run(now(), `abandoned: process ${held.pid} ended without finishing the run`, sync);
        this.db.prepare('DELETE FROM locks WHERE sync = ?').run(sync);
      }
      this.db
        .prepare('INSERT INTO locks (sync, owner, pid, host, acquired_at) VALUES (?, ?, ?, ?, ?)')
        .run(sync, owner, process.pid, hostname(), now());
    });
    take.immediate();
    return { sync, owner };
  }

  async releaseLock(lock: SyncLock): Promise<void> {
    this.db.prepare('DELETE FROM locks WHERE sync = ? AND owner = ?').run(lock.sync, lock.owner);
  }

  async position(sync: string): Promise<SyncPosition & { minGeneration: number }> {
    const row = this.db
      .prepare(
        'SELECT generation, sequence, min_generation AS minGeneration FROM syncs WHERE name = ?',
      )
      .get(sync) as (SyncPosition & { minGeneration: number }) | undefined;
    return row ?? { generation: 0, sequence: 0, minGeneration: 0 };
  }

  async raiseSequence(sync: string, sequence: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO syncs (name, generation, sequence) VALUES (?, 0, ?)
         ON CONFLICT (name) DO UPDATE SET sequence = max(sequence, excluded.sequence)`,
      )
      .run(sync, sequence);
  }

  async states(sync: string): Promise<StoredState[]> {
    const rows = this.db
      .prepare(
        'SELECT stream, state, generation, sequence, updated_at FROM states WHERE sync = ? ORDER BY stream',
      )
      .all(sync) as Array<{
      stream: string;
      state: string | null;
      generation: number;
      sequence: number;
      updated_at: string;
    }>;
    return rows.map((r) => ({
      stream: r.stream,
      state: r.state === null ? undefined : (JSON.parse(r.state) as StateMessage),
      generation: r.generation,
      sequence: r.sequence,
      updatedAt: r.updated_at,
    }));
  }

  async saveState(
    sync: string,
    stream: string,
    state: StateMessage,
    position: SyncPosition,
  ): Promise<void> {
    const save = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO states (sync, stream, state, generation, sequence, schema_version, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (sync, stream) DO UPDATE SET state = excluded.state,
             generation = excluded.generation, sequence = excluded.sequence,
             schema_version = excluded.schema_version, updated_at = excluded.updated_at`,
        )
        .run(
          sync,
          stream,
          JSON.stringify(state),
          position.generation,
          position.sequence,
          STATE_SCHEMA_VERSION,
          now(),
        );
      this.db
        .prepare(
          `INSERT INTO syncs (name, generation, sequence) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET sequence = max(sequence, excluded.sequence)`,
        )
        .run(sync, position.generation, position.sequence);
    });
    save();
  }

  async reset(sync: string, streams?: string[]): Promise<SyncPosition> {
    const run = this.db.transaction((): SyncPosition => {
      this.db
        .prepare(
          `INSERT INTO syncs (name, generation, sequence) VALUES (?, 1, 0)
           ON CONFLICT (name) DO UPDATE SET generation = generation + 1`,
        )
        .run(sync);
      const position = this.db
        .prepare('SELECT generation, sequence FROM syncs WHERE name = ?')
        .get(sync) as SyncPosition;
      // Keep a row with no state per reset stream: it marks from which generation a
      // destination's copy of that stream's state may be believed again.
      const targets =
        streams && streams.length > 0
          ? streams
          : (
              this.db.prepare('SELECT stream FROM states WHERE sync = ?').all(sync) as Array<{
                stream: string;
              }>
            ).map((r) => r.stream);
      if (!streams || streams.length === 0) {
        this.db.prepare('DELETE FROM states WHERE sync = ?').run(sync);
        this.db.prepare('UPDATE syncs SET min_generation = generation WHERE name = ?').run(sync);
      }
      const mark = this.db.prepare(
        `INSERT INTO states (sync, stream, state, generation, sequence, schema_version, updated_at)
         VALUES (?, ?, NULL, ?, ?, ?, ?)
         ON CONFLICT (sync, stream) DO UPDATE SET state = NULL, generation = excluded.generation,
           sequence = excluded.sequence, updated_at = excluded.updated_at`,
      );
      for (const stream of targets) {
        mark.run(sync, stream, position.generation, position.sequence, STATE_SCHEMA_VERSION, now());
      }
      return position;
    });
    return run.immediate();
  }

  async startRun(sync: string): Promise<number> {
    const result = this.db
      .prepare(`INSERT INTO runs (sync, started_at, status, counts) VALUES (?, ?, 'running', '{}')`)
      .run(sync, now());
    const id = Number(result.lastInsertRowid);
    this.db.prepare('UPDATE locks SET run_id = ? WHERE sync = ?').run(id, sync);
    return id;
  }

  async finishRun(
    runId: number,
    status: RunStatus,
    counts: Record<string, StreamCounts>,
    error?: string,
  ): Promise<void> {
    this.db
      .prepare('UPDATE runs SET ended_at = ?, status = ?, counts = ?, error = ? WHERE id = ?')
      .run(now(), status, JSON.stringify(counts), error ?? null, runId);
  }

  async runs(sync?: string, limit = 20): Promise<RunRecord[]> {
    const where = sync === undefined ? '' : 'WHERE sync = ?';
    const rows = this.db
      .prepare(
        `SELECT id, sync, started_at, ended_at, status, counts, error FROM runs ${where}
         ORDER BY id DESC LIMIT ?`,
      )
      .all(...(sync === undefined ? [limit] : [sync, limit])) as Array<{
      id: number;
      sync: string;
      started_at: string;
      ended_at: string | null;
      status: RunStatus;
      counts: string;
      error: string | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      sync: r.sync,
      startedAt: r.started_at,
      endedAt: r.ended_at ?? undefined,
      status: r.status,
      counts: JSON.parse(r.counts) as Record<string, StreamCounts>,
      error: r.error ?? undefined,
    }));
  }

  async addReject(reject: Omit<RejectRecord, 'id' | 'createdAt'>): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO rejects (run_id, sync, stream, reason, code, record_key, record, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        reject.runId,
        reject.sync,
        reject.stream,
        reject.reason,
        reject.code,
        reject.recordKey ?? null,
        reject.record === undefined ? null : JSON.stringify(reject.record),
        now(),
      );
  }

  async rejects(sync: string, runId?: number): Promise<RejectRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT id, run_id, sync, stream, reason, code, record_key, record, created_at
         FROM rejects WHERE sync = ? ${runId === undefined ? '' : 'AND run_id = ?'} ORDER BY id`,
      )
      .all(...(runId === undefined ? [sync] : [sync, runId])) as Array<{
      id: number;
      run_id: number;
      sync: string;
      stream: string;
      reason: string;
      code: string;
      record_key: string | null;
      record: string | null;
      created_at: string;
    }>;
    return rows.map((r) => ({
      id: r.id,
      runId: r.run_id,
      sync: r.sync,
      stream: r.stream,
      reason: r.reason,
      code: r.code,
      recordKey: r.record_key ?? undefined,
      record: r.record === null ? undefined : (JSON.parse(r.record) as Record<string, unknown>),
      createdAt: r.created_at,
    }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

function now(): string {
  return new Date().toISOString();
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
