import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { DestinationError } from '@tributary/core';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { catalog, INT, query, rec, STR, st, stream, tempDatabase, write } from './helpers.js';

const BETTER_SQLITE3 = createRequire(import.meta.url).resolve('better-sqlite3');

let db: ReturnType<typeof tempDatabase>;
let holder: ChildProcess | undefined;
beforeEach(() => {
  db = tempDatabase();
});
afterEach(() => {
  holder?.kill();
  holder = undefined;
  db.cleanup();
});

/**
 * Another process takes the write lock (BEGIN IMMEDIATE) and lets it go after `holdMs`: the
 * writer must be in another process, as a synchronous busy wait blocks this one.
 */
async function holdLock(path: string, holdMs: number): Promise<void> {
  const script = `
    const Database = require(${JSON.stringify(BETTER_SQLITE3)});
    const db = new Database(${JSON.stringify(path)});
    db.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${holdMs});
  `;
  holder = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await once(holder.stdout!, 'data');
}

const items = stream('items', { id: INT, name: STR });

test('waits for a lock another connection lets go within busy_timeout_ms', async () => {
  await write({ path: db.path }, catalog(items), [
    rec('items', { id: 1, name: 'a' }),
    st('items', 1, 1),
  ]);
  await holdLock(db.path, 1000);

  const started = Date.now();
  const out = await write({ path: db.path }, catalog(items), [
    rec('items', { id: 2, name: 'b' }),
    st('items', 2, 2),
  ]);

  expect(Date.now() - started).toBeGreaterThan(700);
  expect(out.map((m) => m.type)).toEqual(['STATE']);
  expect(query(db.path, 'SELECT id FROM items ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
});

test('a lock held past busy_timeout_ms is a DestinationError naming the file', async () => {
  await write({ path: db.path }, catalog(items), [
    rec('items', { id: 1, name: 'a' }),
    st('items', 1, 1),
  ]);
  await holdLock(db.path, 5000);

  const started = Date.now();
  const failure = await write({ path: db.path, busy_timeout_ms: 200 }, catalog(items), [
    rec('items', { id: 2, name: 'b' }),
    st('items', 2, 2),
  ]).catch((error: unknown) => error);

  expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  expect(failure).toBeInstanceOf(DestinationError);
  expect((failure as Error).message).toBe(
    `SQLite database '${db.path}' is locked by another connection: still held after ` +
      'busy_timeout_ms (200 ms)',
  );
  holder?.kill();
  expect(query(db.path, 'SELECT id FROM items')).toEqual([{ id: 1 }]);
});
