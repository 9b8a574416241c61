import { type Message, silentLogger } from '@tributary/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { destination } from '../src/index.js';
import {
  catalog,
  ctx,
  DEC,
  feed,
  INT,
  query,
  rec,
  STR,
  stream,
  TSTZ,
  tempDatabase,
  write,
} from './helpers.js';

let db: ReturnType<typeof tempDatabase>;
beforeEach(() => {
  db = tempDatabase();
});
afterEach(() => db.cleanup());

const deals = (policy: 'hard' | 'soft') =>
  catalog(
    stream(
      'deals',
      { id: INT, name: STR, updated_at: TSTZ },
      {
        destination_sync_mode: 'append_dedup',
        primary_key: [['id']],
        cursor_field: ['updated_at'],
        delete_policy: policy,
      },
    ),
  );

const run1 = [
  rec('deals', { id: 1, name: 'North', updated_at: '2024-07-01T00:00:00Z' }),
  rec('deals', { id: 2, name: 'South', updated_at: '2024-07-01T00:00:00Z' }),
  rec('deals', { id: 3, name: 'East', updated_at: '2024-07-01T00:00:00Z' }),
];
const marker = rec('deals', { id: 2, _deleted: true, updated_at: '2024-07-02T12:00:00Z' });
const recreated = rec('deals', { id: 2, name: 'South', updated_at: '2024-07-03T00:00:00Z' });
const deals2 = () =>
  query(db.path, 'SELECT id, name, _tributary_deleted_at AS d FROM deals ORDER BY id');

describe('BR-22 deletions', () => {
  test('hard: the marker deletes row 2; a re-created record brings it back', async () => {
    await write({ path: db.path }, deals('hard'), run1);
    await write({ path: db.path }, deals('hard'), [marker]);
    expect(deals2().map((r) => r.id)).toEqual([1, 3]);

    await write({ path: db.path }, deals('hard'), [recreated]);
    expect(deals2()).toEqual([
      { id: 1, name: 'North', d: null },
      { id: 2, name: 'South', d: null },
      { id: 3, name: 'East', d: null },
    ]);
  });

  test('soft: row 2 keeps its data, stamped with the marker instant; revived later', async () => {
    await write({ path: db.path }, deals('soft'), run1);
    await write({ path: db.path }, deals('soft'), [marker]);
    expect(deals2()).toEqual([
      { id: 1, name: 'North', d: null },
      { id: 2, name: 'South', d: '2024-07-02T12:00:00.000000Z' },
      { id: 3, name: 'East', d: null },
    ]);

    await write({ path: db.path }, deals('soft'), [recreated]);
    expect(deals2()).toEqual([
      { id: 1, name: 'North', d: null },
      { id: 2, name: 'South', d: null },
      { id: 3, name: 'East', d: null },
    ]);
    expect(query(db.path, 'SELECT updated_at FROM deals WHERE id = 2')).toEqual([
      { updated_at: '2024-07-03T00:00:00.000000Z' },
    ]);
  });

  test('a marker older than the row is ignored, in both policies', async () => {
    const old = rec('deals', { id: 2, _deleted: true, updated_at: '2024-06-30T00:00:00Z' });
    for (const policy of ['hard', 'soft'] as const) {
      const t = tempDatabase();
      try {
        await write({ path: t.path }, deals(policy), [...run1, old]);
        expect(
          query(t.path, 'SELECT id, _tributary_deleted_at AS d FROM deals ORDER BY id'),
        ).toEqual([
          { id: 1, d: null },
          { id: 2, d: null },
          { id: 3, d: null },
        ]);
      } finally {
        t.cleanup();
      }
    }
  });

  test('soft: a record older than the marker does not revive the row', async () => {
    const between = rec('deals', { id: 2, name: 'Mid', updated_at: '2024-07-02T00:00:00Z' });
    await write({ path: db.path }, deals('soft'), [...run1, marker, between]);
    expect(deals2()[1]).toEqual({ id: 2, name: 'South', d: '2024-07-02T12:00:00.000000Z' });
  });
});

const orders = catalog(
  stream(
    'orders',
    { id: INT, total: DEC, seen: INT },
    { destination_sync_mode: 'append_dedup', primary_key: [['id']], cursor_field: ['total'] },
  ),
);

/** Records where the cursor is a decimal: "9.5" < "10.00" as numbers, not as text. */
const orderRecords: Message[] = [
  rec('orders', { id: 1, total: '9.5', seen: 1 }),
  rec('orders', { id: 2, total: '10.00', seen: 2 }),
  rec('orders', { id: 1, total: '10.00', seen: 3 }),
  rec('orders', { id: 2, total: '9.99', seen: 4 }), // older: ignored
  rec('orders', { id: 3, total: '1', seen: 5 }),
  rec('orders', { id: 3, total: '1.0', seen: 6 }), // a tie: the later record wins
  rec('orders', { id: 1, total: '2', seen: 7 }), // older: ignored
  rec('orders', { id: 4, total: null, seen: 8 }),
  rec('orders', { id: 4, total: '3', seen: 9 }),
];
const expected = [
  { id: 1, total: '10.00', seen: 3 },
  { id: 2, total: '10.00', seen: 2 },
  { id: 3, total: '1.0', seen: 6 },
  { id: 4, total: '3', seen: 9 },
];

describe('append_dedup', () => {
  test('the greatest cursor wins by its logical type; ties go to the later record', async () => {
    await write({ path: db.path }, orders, orderRecords);
    expect(query(db.path, 'SELECT id, total, seen FROM orders ORDER BY id')).toEqual(expected);
  });

  test.each([1, 2, 3, 1000])(
    'the result does not depend on the batch size (%i rows)',
    async (n) => {
      await write({ path: db.path, rows_per_statement: n }, orders, orderRecords);
      expect(query(db.path, 'SELECT id, total, seen FROM orders ORDER BY id')).toEqual(expected);
    },
  );

  test('the same records over two runs give the same rows', async () => {
    await write({ path: db.path }, orders, orderRecords.slice(0, 4));
    await write({ path: db.path }, orders, orderRecords.slice(4));
    expect(query(db.path, 'SELECT id, total, seen FROM orders ORDER BY id')).toEqual(expected);
  });

  test('an upsert that changes no data column leaves the row and its metadata alone', async () => {
    const cat = (syncId: number) => {
      const c = deals('hard');
      c.streams[0]!.sync_id = syncId;
      return c;
    };
    const first = Date.UTC(2024, 6, 1);
    await write({ path: db.path }, cat(1), [
      rec('deals', { id: 1, name: 'North', updated_at: '2024-07-01T00:00:00Z' }, first),
    ]);
    await write({ path: db.path }, cat(2), [
      rec('deals', { id: 1, name: 'North', updated_at: '2024-07-01T00:00:00+00:00' }, first + 5000),
    ]);
    const meta = 'SELECT _tributary_sync_id AS s, _tributary_extracted_at AS e FROM deals';
    expect(query(db.path, meta)).toEqual([{ s: 1, e: '2024-07-01T00:00:00.000000Z' }]);

    await write({ path: db.path }, cat(3), [
      rec('deals', { id: 1, name: 'Nord', updated_at: '2024-07-01T00:00:00Z' }, first + 9000),
    ]);
    expect(query(db.path, meta)).toEqual([{ s: 3, e: '2024-07-01T00:00:09.000000Z' }]);
  });

  test('without a cursor the later record wins', async () => {
    const cat = catalog(
      stream(
        'tags',
        { id: INT, label: STR },
        {
          destination_sync_mode: 'append_dedup',
          primary_key: [['id']],
        },
      ),
    );
    await write({ path: db.path }, cat, [
      rec('tags', { id: 1, label: 'a' }),
      rec('tags', { id: 1, label: 'b' }),
    ]);
    expect(query(db.path, 'SELECT id, label FROM tags')).toEqual([{ id: 1, label: 'b' }]);
  });
});

describe('deletions in append mode', () => {
  const events = (policy: 'hard' | 'soft') =>
    catalog(stream('ev', { id: INT, v: STR }, { primary_key: [['id']], delete_policy: policy }));

  test('hard deletes every row of the key', async () => {
    await write({ path: db.path }, events('hard'), [
      rec('ev', { id: 1, v: 'a' }),
      rec('ev', { id: 1, v: 'b' }),
      rec('ev', { id: 2, v: 'c' }),
      rec('ev', { id: 1, _deleted: true }),
    ]);
    expect(query(db.path, 'SELECT id, v FROM ev')).toEqual([{ id: 2, v: 'c' }]);
  });

  test('without a primary key, markers change nothing and the user is told once', async () => {
    const warnings: Array<[string, Record<string, unknown> | undefined]> = [];
    const logger = {
      ...silentLogger,
      warn: (m: string, meta?: Record<string, unknown>) => {
        warnings.push([m, meta]);
      },
    };
    const keyless = catalog(stream('ev', { id: INT, v: STR }, { delete_policy: 'hard' }));
    const input = [
      rec('ev', { id: 1, v: 'a' }),
      rec('ev', { id: 1, _deleted: true }),
      rec('ev', { id: 2, _deleted: true }),
    ];
    const run = destination.write({ path: db.path }, keyless, feed(input), { ...ctx, logger });
    const out: Message[] = [];
    for await (const m of run) out.push(m);
    expect(out).toEqual([]);
    expect(query(db.path, 'SELECT id, v FROM ev')).toEqual([{ id: 1, v: 'a' }]);
    expect(warnings).toEqual([
      [
        "stream 'ev': deletion markers (_deleted: true) ignored, the stream has no primary " +
          'key to find their rows by; set its primary_key to apply them',
        { stream: 'ev', table: 'ev', delete_policy: 'hard' },
      ],
    ]);
  });

  test('soft stamps the rows with the marker emitted_at when there is no cursor', async () => {
    await write({ path: db.path }, events('soft'), [
      rec('ev', { id: 1, v: 'a' }),
      rec('ev', { id: 1, _deleted: true }, Date.UTC(2024, 6, 2, 12)),
    ]);
    expect(query(db.path, 'SELECT id, v, _tributary_deleted_at AS d FROM ev')).toEqual([
      { id: 1, v: 'a', d: '2024-07-02T12:00:00.000000Z' },
    ]);
  });
});
