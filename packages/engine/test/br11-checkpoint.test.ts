import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineEmitter, runSync, SqliteStateStore } from '../src/index.js';
import { csvSync, exec, query, range, tempDir, writeCsv } from './helpers.js';

// BR-11: a failure after two checkpoints keeps them; the next run resumes after the last.
describe('BR-11 checkpoints survive a failed run', () => {
  let dir: string;
  let cleanup: () => void;
  let store: SqliteStateStore;

  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    store = new SqliteStateStore(path.join(dir, 'state.db'));
    writeCsv(
      path.join(dir, 'items.csv'),
      'id,name',
      range(1, 10).map((id) => `${id},item ${id}`),
    );
    // A real refusal by the destination: a trigger that raises on id 8.
    exec(
      dir,
      `CREATE TABLE items (id INTEGER, name TEXT);
       CREATE TRIGGER refuse_8 BEFORE INSERT ON items WHEN NEW.id = 8
       BEGIN SELECT RAISE(ABORT, 'id 8 is refused'); END;`,
    );
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  const sync = (onBadRecord: 'fail' | 'reject') =>
    csvSync(
      dir,
      { name: 'items', file: path.join(dir, 'items.csv'), checkpoint: 3 },
      {
        sync_mode: 'incremental',
        cursor_field: 'id',
        primary_key: 'id',
        destination_sync_mode: 'append',
        on_bad_record: onBadRecord,
      },
    );
  const ids = () => query<{ id: number }>(dir, 'SELECT id FROM items ORDER BY id').map((r) => r.id);
  const cursor = async () => {
    const [row] = await store.states('items_sync');
    return (row?.state?.stream?.stream_state as { cursor?: unknown } | undefined)?.cursor;
  };

  it('fails run 1 at id 8 keeping ids 1..6 and cursor 6, then run 2 reads 7..10', async () => {
    const run1 = await runSync({ sync: sync('fail'), store });
    expect(run1.status).toBe('failed');
    expect(run1.error?.message).toContain("stream 'items'");
    expect(run1.error?.message).toContain('id=8');
    expect(ids()).toEqual(range(1, 6));
    expect(await cursor()).toBe(6);
    const [history] = await store.runs('items_sync');
    expect(history?.status).toBe('failed');
    expect(history?.error).toContain('id=8');

    exec(dir, 'DROP TRIGGER refuse_8');
    const run2 = await runSync({ sync: sync('fail'), store });
    expect(run2.status).toBe('succeeded');
    expect(run2.streams[0]?.read).toBe(4);
    expect(ids()).toEqual(range(1, 10));
    const fromRun2 = query<{ id: number }>(
      dir,
      `SELECT id FROM items WHERE _tributary_sync_id = ${run2.runId} ORDER BY id`,
    );
    expect(fromRun2.map((r) => r.id)).toEqual([7, 8, 9, 10]);
    expect(await cursor()).toBe(10);
  });

  it('under on_bad_record reject, succeeds without id 8 and keeps it in the rejects table', async () => {
    const events = new EngineEmitter();
    const rejected: string[] = [];
    events.on('record:rejected', (e) => rejected.push(`${e.by} ${e.policy} ${e.recordKey}`));
    const run = await runSync({ sync: sync('reject'), store, events });
    expect(run.status).toBe('succeeded');
    expect(ids()).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    expect(await cursor()).toBe(10);
    expect(rejected).toEqual(['destination reject id=8']);
    const rejects = await store.rejects('items_sync');
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({ runId: run.runId, stream: 'items', recordKey: 'id=8' });
    expect(rejects[0]?.reason).toContain('id 8 is refused');
    expect(rejects[0]?.record?.id).toBe(8);
    expect(run.streams[0]).toMatchObject({ read: 10, committed: 9, rejected: 1 });
  });
});
