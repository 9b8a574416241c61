import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { destination } from '../src/index.js';
import {
  BIGINT,
  catalog,
  columnTypes,
  ctx,
  DEC,
  feed,
  INT,
  query,
  rec,
  STR,
  st,
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

describe('tables and values', () => {
  test('BR-25: an empty stream still gives its table, with its columns and no row', async () => {
    const refunds = stream('refunds', { id: INT, amount: DEC, created_at: TSTZ });
    const out = await write({ path: db.path }, catalog(refunds), []);
    expect(out).toEqual([]);
    expect(columnTypes(db.path, 'refunds')).toEqual({
      id: 'INTEGER',
      amount: 'TEXT',
      created_at: 'TEXT',
      _tributary_extracted_at: 'TEXT',
      _tributary_sync_id: 'INTEGER',
      _tributary_deleted_at: 'TEXT',
    });
    expect(query(db.path, 'SELECT count(*) AS n FROM refunds')).toEqual([{ n: 0 }]);
  });

  test('BR-04: UTF-8 text is stored as UTF-8 bytes', async () => {
    await write({ path: db.path }, catalog(stream('towns', { name: STR, city: STR })), [
      rec('towns', { name: 'Renée', city: 'Créteil' }),
    ]);
    expect(query(db.path, 'SELECT hex(name) AS h, city FROM towns')).toEqual([
      { h: '52656EC3A965', city: 'Créteil' },
    ]);
  });

  test('big integers and decimals keep every digit and their scale', async () => {
    const cat = catalog(
      stream('n', { big: BIGINT, price: DEC, small: INT, ratio: { type: 'number' } }),
    );
    await write({ path: db.path }, cat, [
      rec('n', { big: '18446744073709551617', price: '12.00', small: 3, ratio: 0.1 }),
      rec('n', { big: 42, price: 7.5, small: -4, ratio: 1e21 }),
    ]);
    expect(query(db.path, 'SELECT big, typeof(big) AS bt, price, small, ratio FROM n')).toEqual([
      { big: '18446744073709551617', bt: 'text', price: '12.00', small: 3, ratio: 0.1 },
      { big: '42', bt: 'text', price: '7.5', small: -4, ratio: 1e21 },
    ]);
  });

  test('timestamps are stored as UTC text that orders as instants; booleans and JSON', async () => {
    const cat = catalog(
      stream('e', {
        at: TSTZ,
        on: { type: 'boolean' },
        tags: { type: 'array' },
        meta: { type: 'object' },
      }),
    );
    await write({ path: db.path }, cat, [
      rec('e', { at: '2024-07-02T14:00:00+02:00', on: true, tags: ['a'], meta: { k: 1 } }),
      rec('e', { at: '2024-07-02T11:30:00.5Z', on: false, tags: [], meta: {} }),
    ]);
    expect(query(db.path, 'SELECT at, "on", tags, meta FROM e ORDER BY at')).toEqual([
      { at: '2024-07-02T11:30:00.500000Z', on: 0, tags: '[]', meta: '{}' },
      { at: '2024-07-02T12:00:00.000000Z', on: 1, tags: '["a"]', meta: '{"k":1}' },
    ]);
  });

  test('identifiers are quoted: a reserved word, mixed case, a quote inside a name', async () => {
    const cat = catalog(
      stream(
        'order',
        { id: INT, Select: STR, 'say "hi"': STR, 'with space': STR },
        { destination_table: 'Order "Lines"' },
      ),
    );
    await write({ path: db.path }, cat, [
      rec('order', { id: 1, Select: 'x', 'say "hi"': 'y', 'with space': 'z' }),
    ]);
    expect(
      query(db.path, 'SELECT id, "Select", "say ""hi""", "with space" FROM "Order ""Lines"""'),
    ).toEqual([{ id: 1, Select: 'x', 'say "hi"': 'y', 'with space': 'z' }]);
  });

  test('fields that differ only by case get distinct columns, kept across runs', async () => {
    const cat = catalog(stream('c', { email: STR, Email: STR }));
    await write({ path: db.path }, cat, [rec('c', { email: 'a', Email: 'b' })]);
    await write({ path: db.path }, cat, [rec('c', { email: 'c', Email: 'd' })]);
    const map = query(
      db.path,
      "SELECT field, column_name FROM _tributary_columns WHERE table_name = 'c' ORDER BY position",
    );
    expect(map).toEqual([
      { field: 'email', column_name: 'email' },
      { field: 'Email', column_name: 'Email_969ccbd3' },
    ]);
    expect(query(db.path, 'SELECT email, Email_969ccbd3 AS e2 FROM c')).toEqual([
      { email: 'a', e2: 'b' },
      { email: 'c', e2: 'd' },
    ]);
  });

  test('identifier_collision fail refuses fields that would share a column', async () => {
    const cat = catalog(stream('c', { email: STR, Email: STR }));
    const run = write({ path: db.path, identifier_collision: 'fail' }, cat, []);
    await expect(run).rejects.toThrow(
      "fields collide as column names (identifier_collision: fail): 'email' and 'Email'",
    );
  });
});

describe('overwrite', () => {
  const cat = catalog(stream('snap', { id: INT }, { destination_sync_mode: 'overwrite' }));
  const snapIds = () => query(db.path, 'SELECT id FROM snap ORDER BY id').map((r) => r.id);

  test('the new table replaces the old one only after the input ended normally', async () => {
    await write({ path: db.path }, cat, [rec('snap', { id: 1 }), rec('snap', { id: 2 })]);
    expect(snapIds()).toEqual([1, 2]);

    const failed = write(
      { path: db.path },
      cat,
      [rec('snap', { id: 3 }), st('snap', 3, 1), rec('snap', { id: 4 })],
      new Error('source broke'),
    );
    await expect(failed).rejects.toThrow('source broke');
    expect(snapIds()).toEqual([1, 2]);
    expect(await destination.committedState!({ path: db.path }, cat, ctx)).toEqual([]);

    const out = await write({ path: db.path }, cat, [rec('snap', { id: 3 }), st('snap', 3, 2)]);
    expect(snapIds()).toEqual([3]);
    expect(out.map((m) => m.type)).toEqual(['STATE']);
    expect(
      query(db.path, "SELECT name FROM sqlite_master WHERE name LIKE '_tributary_tmp%'"),
    ).toEqual([]);
  });

  test('a failed or stopped run drops its staging table; the old table stays', async () => {
    const staging = () =>
      query(
        db.path,
        "SELECT name FROM sqlite_master WHERE name LIKE '\\_tributary\\_tmp\\_%' ESCAPE '\\'",
      );
    const stagingMap = () =>
      query(
        db.path,
        "SELECT field FROM _tributary_columns WHERE table_name = '_tributary_tmp_snap'",
      );
    await write({ path: db.path }, cat, [rec('snap', { id: 1 }), rec('snap', { id: 2 })]);

    // The STATE commits the staged row 3 (held back), then the input fails.
    const failed = write(
      { path: db.path },
      cat,
      [rec('snap', { id: 3 }), st('snap', 3, 1), rec('snap', { id: 4 })],
      new Error('source broke'),
    );
    await expect(failed).rejects.toThrow('source broke');
    expect(staging()).toEqual([]);
    expect(stagingMap()).toEqual([]);
    expect(snapIds()).toEqual([1, 2]);
    expect(
      query(db.path, "SELECT field FROM _tributary_columns WHERE table_name = 'snap'"),
    ).toEqual([{ field: 'id' }]);

    // A consumer that stops after the first message it gets (a cancelled run).
    const two = catalog(cat.streams[0]!, stream('log', { id: INT }));
    const input = [rec('snap', { id: 5 }), rec('log', { id: 1 }), st('log', 1, 2)];
    for await (const _ of destination.write({ path: db.path }, two, feed(input), ctx)) break;
    expect(staging()).toEqual([]);
    expect(snapIds()).toEqual([1, 2]);
  });

  test('an empty overwrite run empties the table', async () => {
    await write({ path: db.path }, cat, [rec('snap', { id: 1 })]);
    await write({ path: db.path }, cat, []);
    expect(snapIds()).toEqual([]);
  });
});

describe('state', () => {
  const cat = catalog(stream('a', { id: INT }), stream('b', { id: INT }));

  test('committedState returns the last state per stream; resetState forgets them', async () => {
    const config = { path: db.path };
    expect(await destination.committedState!(config, cat, ctx)).toEqual([]);
    await write(config, cat, [
      rec('a', { id: 1 }),
      st('a', 1, 1),
      rec('b', { id: 1 }),
      st('b', 1, 2),
      rec('a', { id: 2 }),
      st('a', 2, 3),
    ]);
    const states = await destination.committedState!(config, cat, ctx);
    expect(
      states.map((s) => [s.stream?.stream_descriptor.name, s.stream?.stream_state, s.tributary]),
    ).toEqual([
      ['a', { cursor: 2 }, { generation: 1, sequence: 3 }],
      ['b', { cursor: 1 }, { generation: 1, sequence: 2 }],
    ]);
    expect(query(db.path, 'SELECT stream_key, generation, sequence FROM _tributary_state')).toEqual(
      [
        { stream_key: 'a', generation: 1, sequence: 3 },
        { stream_key: 'b', generation: 1, sequence: 2 },
      ],
    );

    await destination.resetState!(config, cat, ['a'], ctx);
    expect((await destination.committedState!(config, cat, ctx)).length).toBe(1);
    await destination.resetState!(config, cat, [], ctx);
    expect(await destination.committedState!(config, cat, ctx)).toEqual([]);
  });
});

describe('check', () => {
  test('creates the file and its folders, and writes to it', async () => {
    const result = await destination.check({ path: db.path }, ctx);
    expect(result.status).toBe('SUCCEEDED');
    expect(
      query(db.path, "SELECT count(*) AS n FROM sqlite_master WHERE name = '_tributary_check'"),
    ).toEqual([{ n: 0 }]);
  });

  test('a folder it cannot write is named in the failure', async () => {
    if (process.getuid?.() === 0) {
      // root writes anywhere; a path under a regular file cannot be created by anyone.
      const blocker = join(db.dir, 'file');
      await write({ path: blocker }, catalog(), []);
      const path = join(blocker, 'dest.db');
      const result = await destination.check({ path }, ctx);
      expect(result.status).toBe('FAILED');
      expect(result.message).toContain(path);
      return;
    }
    const locked = join(db.dir, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const path = join(locked, 'dest.db');
    const result = await destination.check({ path }, ctx);
    expect(result.status).toBe('FAILED');
    expect(result.message).toContain(path);
  });

  test('a config without path is refused with the field named', async () => {
    // defineDestination validates the config before check runs, synchronously.
    expect(() => destination.check({}, ctx)).toThrow("config: missing required field 'path'");
  });
});
