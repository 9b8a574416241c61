import type { BadRecordError, Message } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { destination } from '../src/index.js';
import {
  catalog,
  ctx,
  exec,
  INT,
  query,
  rec,
  STR,
  st,
  stream,
  tempDatabase,
  write,
  writeFailing,
} from './helpers.js';

let db: ReturnType<typeof tempDatabase>;
beforeEach(() => {
  db = tempDatabase();
});
afterEach(() => db.cleanup());

const items = (onBadRecord: 'fail' | 'skip' | 'reject') =>
  catalog(
    stream(
      'items',
      { id: INT, name: STR },
      { primary_key: [['id']], cursor_field: ['id'], on_bad_record: onBadRecord },
    ),
  );

/** Ids from..to, with a STATE after every 3 records and after the last one. */
function itemMessages(from: number, to: number): Message[] {
  const out: Message[] = [];
  for (let id = from; id <= to; id++) {
    out.push(rec('items', { id, name: `item ${id}` }));
    if (id % 3 === 0 || id === to) out.push(st('items', id, id));
  }
  return out;
}

function createItemsWithTrigger(path: string): void {
  exec(
    path,
    `CREATE TABLE items (id INTEGER, name TEXT);
     CREATE TRIGGER refuse_8 BEFORE INSERT ON items WHEN NEW.id = 8
     BEGIN SELECT RAISE(ABORT, 'id 8 is refused'); END;`,
  );
}

const ids = (path: string) =>
  query(path, 'SELECT id FROM items ORDER BY id').map((r) => r.id as number);
const cursors = (states: Awaited<ReturnType<NonNullable<typeof destination.committedState>>>) =>
  states.map((s) => s.stream?.stream_state);

describe('BR-11 a trigger refuses id 8', () => {
  test('fail: the error names items and id=8; ids 1..6 and the state of 6 stay', async () => {
    createItemsWithTrigger(db.path);
    const config = { path: db.path };

    const { error, out } = await writeFailing(config, items('fail'), itemMessages(1, 10));

    expect(error.name).toBe('BadRecordError');
    expect(error.message).toBe(
      "stream 'items': record id=8 refused by table 'items': id 8 is refused",
    );
    expect((error as BadRecordError).context).toMatchObject({ stream: 'items', recordKey: 'id=8' });
    expect(out.filter((m) => m.type === 'STATE').length).toBe(2);
    expect(ids(db.path)).toEqual([1, 2, 3, 4, 5, 6]);
    const states = await destination.committedState!(config, items('fail'), ctx);
    expect(cursors(states)).toEqual([{ cursor: 6 }]);

    exec(db.path, 'DROP TRIGGER refuse_8');
    await write(config, items('fail'), itemMessages(7, 10));

    expect(ids(db.path)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(cursors(await destination.committedState!(config, items('fail'), ctx))).toEqual([
      { cursor: 10 },
    ]);
  });

  test('reject: ids 1..7, 9, 10 land, a REJECT names id 8 and the reason', async () => {
    createItemsWithTrigger(db.path);
    const config = { path: db.path };

    const out = await write(config, items('reject'), itemMessages(1, 10));

    expect(ids(db.path)).toEqual([1, 2, 3, 4, 5, 6, 7, 9, 10]);
    const rejects = out.filter((m) => m.type === 'TRACE' && m.trace.type === 'REJECT');
    expect(rejects.map((m) => m.type === 'TRACE' && m.trace.reject)).toEqual([
      {
        stream_descriptor: { name: 'items' },
        reason: "stream 'items': record id=8 refused by table 'items': id 8 is refused",
        code: 'bad_record',
        record: { id: 8, name: 'item 8' },
        record_key: 'id=8',
      },
    ]);
    // The reject comes with the transaction that covers it, before that transaction's STATE.
    const kinds = out.map((m) => (m.type === 'TRACE' ? m.trace.type : m.type));
    expect(kinds).toEqual(['STATE', 'STATE', 'REJECT', 'STATE', 'STATE']);
    expect(cursors(await destination.committedState!(config, items('reject'), ctx))).toEqual([
      { cursor: 10 },
    ]);
  });

  test('a NOT NULL constraint names its column', async () => {
    exec(db.path, 'CREATE TABLE items (id INTEGER, name TEXT NOT NULL)');
    const { error } = await writeFailing({ path: db.path }, items('fail'), [
      rec('items', { id: 1, name: 'a' }),
      rec('items', { id: 2, name: null }),
    ]);
    expect(error.message).toBe(
      "stream 'items': record id=2 refused by column 'name' of table 'items': " +
        'NOT NULL constraint failed: items.name',
    );
    expect((error as BadRecordError).context).toMatchObject({ column: 'name', field: 'name' });
    expect(ids(db.path)).toEqual([]);
  });
});

describe('the input fails', () => {
  test('what the last STATE does not cover is rolled back, the error rethrown', async () => {
    const source = new Error('source broke');
    const { error, out } = await writeFailing(
      { path: db.path },
      items('fail'),
      [
        rec('items', { id: 1, name: 'a' }),
        st('items', 1, 1),
        rec('items', { id: 2, name: 'b' }),
        rec('items', { id: 3, name: 'c', extra: 5 }),
      ],
      source,
    );
    expect(error).toBe(source);
    expect(out.map((m) => m.type)).toEqual(['STATE']);
    expect(ids(db.path)).toEqual([1]);
    // The column added by the rolled-back batch is gone with it, map included.
    expect(
      query(db.path, "SELECT count(*) AS n FROM _tributary_columns WHERE field = 'extra'"),
    ).toEqual([{ n: 0 }]);
  });

  test('records after the last STATE are committed when the input ends normally', async () => {
    await write({ path: db.path }, items('fail'), [
      rec('items', { id: 1, name: 'a' }),
      st('items', 1, 1),
      rec('items', { id: 2, name: 'b' }),
    ]);
    expect(ids(db.path)).toEqual([1, 2]);
  });
});
