import type { SchemaError } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  catalog,
  columnTypes,
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

const tickets = (title: unknown, policy: 'evolve' | 'freeze' = 'evolve') =>
  catalog(
    stream('tickets', title === undefined ? { id: INT } : { id: INT, title }, {
      primary_key: [['id']],
      cursor_field: ['id'],
      schema_policy: policy,
    }),
  );

describe('BR-06 a field changes type between runs', () => {
  const run1 = [rec('tickets', { id: 1, title: 101 }), rec('tickets', { id: 2, title: null })];
  const run2 = [
    rec('tickets', { id: 3, title: 'Quarterly plan' }),
    rec('tickets', { id: 4, title: null }),
  ];

  test('evolve: the integer column is widened to text, 101 becomes "101"', async () => {
    await write({ path: db.path }, tickets(INT), [...run1, st('tickets', 2, 1)]);
    expect(columnTypes(db.path, 'tickets').title).toBe('INTEGER');

    const out = await write({ path: db.path }, tickets(STR), [...run2, st('tickets', 4, 2)]);

    expect(columnTypes(db.path, 'tickets').title).toBe('TEXT');
    expect(query(db.path, 'SELECT id, title, typeof(title) AS t FROM tickets ORDER BY id')).toEqual(
      [
        { id: 1, title: '101', t: 'text' },
        { id: 2, title: null, t: 'null' },
        { id: 3, title: 'Quarterly plan', t: 'text' },
        { id: 4, title: null, t: 'null' },
      ],
    );
    const change = out.find((m) => m.type === 'TRACE' && m.trace.type === 'SCHEMA_CHANGE');
    expect(change?.type === 'TRACE' && change.trace.schema_change).toEqual({
      stream_descriptor: { name: 'tickets' },
      change: 'column_widened',
      field: 'title',
      column: 'title',
      from_type: 'integer',
      to_type: 'string',
    });
    expect(
      query(db.path, 'SELECT logical_type FROM _tributary_columns WHERE field = ?', 'title'),
    ).toEqual([{ logical_type: 'string' }]);
  });

  test('freeze: run 2 fails before writing a row and blames record 3, not the null', async () => {
    await write({ path: db.path }, tickets(INT, 'freeze'), [...run1, st('tickets', 2, 1)]);

    const { error, out } = await writeFailing({ path: db.path }, tickets(STR, 'freeze'), [
      ...run2,
      st('tickets', 4, 2),
    ]);

    expect(out).toEqual([]);
    expect(error.name).toBe('SchemaError');
    expect(error.message).toBe(
      "stream 'tickets': column 'title' (field 'title') is integer, record id=3 brings string " +
        '"Quarterly plan"; schema_policy freeze refuses to change the column',
    );
    expect((error as SchemaError).context).toMatchObject({
      stream: 'tickets',
      column: 'title',
      fromType: 'integer',
      toType: 'string',
      recordKey: 'id=3',
      value: 'Quarterly plan',
    });
    expect(columnTypes(db.path, 'tickets').title).toBe('INTEGER');
    expect(query(db.path, 'SELECT id, title FROM tickets ORDER BY id')).toEqual([
      { id: 1, title: 101 },
      { id: 2, title: null },
    ]);
    expect(
      query(db.path, 'SELECT state FROM _tributary_state').map(
        (r) => JSON.parse(r.state as string).stream.stream_state,
      ),
    ).toEqual([{ cursor: 2 }]);
  });

  test('one batch holding 101 and "Quarterly plan" ends as text', async () => {
    await write({ path: db.path }, tickets(INT), [
      rec('tickets', { id: 1, title: 101 }),
      rec('tickets', { id: 2, title: 'Quarterly plan' }),
      st('tickets', 2, 1),
    ]);
    expect(columnTypes(db.path, 'tickets').title).toBe('TEXT');
    expect(query(db.path, 'SELECT id, title FROM tickets ORDER BY id')).toEqual([
      { id: 1, title: '101' },
      { id: 2, title: 'Quarterly plan' },
    ]);
  });

  test('a field the catalog does not know takes the type of its first value', async () => {
    await write({ path: db.path }, tickets(undefined), [
      rec('tickets', { id: 1, title: 101 }),
      rec('tickets', { id: 2, title: 'Quarterly plan' }),
    ]);
    expect(query(db.path, 'SELECT id, title FROM tickets ORDER BY id')).toEqual([
      { id: 1, title: '101' },
      { id: 2, title: 'Quarterly plan' },
    ]);
  });

  test('widening keeps triggers and indexes of the table', async () => {
    await write({ path: db.path }, tickets(INT), run1);
    const { exec } = await import('./helpers.js');
    exec(db.path, 'CREATE INDEX tickets_title ON tickets (title)');
    await write({ path: db.path }, tickets(STR), run2);
    expect(
      query(
        db.path,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'",
      ),
    ).toEqual([{ name: 'tickets_title' }]);
  });
});

describe('BR-20 a field appears mid-stream (JSONL variant)', () => {
  test('evolve: the column is added, no value is lost, a SCHEMA_CHANGE names it', async () => {
    const cat = catalog(stream('accounts', { id: INT, name: STR }, { primary_key: [['id']] }));
    const out = await write({ path: db.path }, cat, [
      rec('accounts', { id: 1, name: 'A' }),
      rec('accounts', { id: 2, name: 'B', tier: 'gold' }),
      st('accounts', 2, 1),
    ]);

    const names = Object.keys(columnTypes(db.path, 'accounts'));
    expect(names.filter((n) => !n.startsWith('_tributary_'))).toEqual(['id', 'name', 'tier']);
    expect(columnTypes(db.path, 'accounts').tier).toBe('TEXT');
    expect(query(db.path, 'SELECT id, name, tier FROM accounts ORDER BY id')).toEqual([
      { id: 1, name: 'A', tier: null },
      { id: 2, name: 'B', tier: 'gold' },
    ]);
    expect(out.map((m) => m.type)).toEqual(['TRACE', 'STATE']);
    const trace = out[0]!.type === 'TRACE' ? out[0]!.trace : undefined;
    expect(trace?.schema_change).toEqual({
      stream_descriptor: { name: 'accounts' },
      change: 'column_added',
      field: 'tier',
      column: 'tier',
      to_type: 'string',
    });
  });

  test('freeze: the new field fails the run and nothing of the batch lands', async () => {
    const cat = catalog(
      stream(
        'accounts',
        { id: INT, name: STR },
        { primary_key: [['id']], schema_policy: 'freeze' },
      ),
    );
    const { error } = await writeFailing({ path: db.path }, cat, [
      rec('accounts', { id: 1, name: 'A' }),
      rec('accounts', { id: 2, name: 'B', tier: 'gold' }),
    ]);
    expect(error.message).toBe(
      "stream 'accounts': field 'tier' has no column, record id=2 brings string \"gold\"; " +
        'schema_policy freeze refuses to add one',
    );
    expect(query(db.path, 'SELECT count(*) AS n FROM accounts')).toEqual([{ n: 0 }]);
  });
});
