import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runSync, SqliteStateStore, SyncLockedError } from '../src/index.js';
import { csvSync, tempDir, writeCsv } from './helpers.js';

let dir: string;
let cleanup: () => void;
let store: SqliteStateStore;
beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  store = new SqliteStateStore(path.join(dir, 'state.db'));
  writeCsv(path.join(dir, 'items.csv'), 'id,name', ['1,a', '2,b']);
});
afterEach(async () => {
  await store.close();
  cleanup();
});

const sync = () =>
  csvSync(
    dir,
    { name: 'items', file: path.join(dir, 'items.csv') },
    { destination_sync_mode: 'append' },
  );

it('refuses a second run of a sync while the first holds the lock', async () => {
  const other = new SqliteStateStore(path.join(dir, 'state.db'));
  const lock = await other.acquireLock('items_sync');
  await expect(runSync({ sync: sync(), store })).rejects.toBeInstanceOf(SyncLockedError);
  expect(await store.runs('items_sync')).toEqual([]);
  await other.releaseLock(lock);
  await other.close();
  expect((await runSync({ sync: sync(), store })).status).toBe('succeeded');
});

it('refuses the second of two concurrent runs', async () => {
  const results = await Promise.allSettled([
    runSync({ sync: sync(), store }),
    runSync({ sync: sync(), store }),
  ]);
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(refused.reason).toBeInstanceOf(SyncLockedError);
});

it('takes over the lock of a dead process and closes its run as failed', async () => {
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(dead.stdout.toString());
  const db = new Database(path.join(dir, 'state.db'));
  db.prepare(
    `INSERT INTO runs (sync, started_at, status, counts) VALUES ('items_sync', 'x', 'running', '{}')`,
  ).run();
  db.prepare(
    `INSERT INTO locks (sync, owner, pid, host, acquired_at) VALUES ('items_sync', 'old', ?, ?, 'x')`,
  ).run(pid, (await import('node:os')).hostname());
  db.close();

  const run = await runSync({ sync: sync(), store });
  expect(run.status).toBe('succeeded');
  const [latest, abandoned] = await store.runs('items_sync');
  expect(latest?.status).toBe('succeeded');
  expect(abandoned?.status).toBe('failed');
  expect(abandoned?.error).toContain(`process ${pid}`);
});
