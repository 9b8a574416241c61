import type { Message } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUp, type TestDatabase } from './helpers/db.js';
import {
  catalogOf,
  context,
  memoryLogger,
  records,
  runWrite,
  stateOf,
  stream,
} from './helpers/run.js';

const ORDERS = {
  id: { type: 'integer' },
  status: { type: 'string' },
  updated_at: { type: 'integer' },
};

describe.skipIf(!serverUp)('sync modes (MySQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const dedupInput = records('orders', [
    { id: 1, status: 'new', updated_at: 5 },
    { id: 2, status: 'new', updated_at: 1 },
    { id: 1, status: 'old', updated_at: 3 },
    { id: 1, status: 'tie-first', updated_at: 7 },
    { id: 2, status: 'paid', updated_at: 2 },
    { id: 1, status: 'tie-last', updated_at: 7 },
    { id: 3, status: 'null-cursor', updated_at: null },
    { id: 3, status: 'dated', updated_at: 1 },
    { id: 2, status: 'late', updated_at: 1 },
  ]);

  for (const batchSize of [1, 2, 4, 1000]) {
    it(`append_dedup: greatest cursor wins, ties go to the later record (batch ${batchSize})`, async () => {
      const config = { ...db.config, table_prefix: `b${batchSize}_`, batch_size: batchSize };
      const catalog = catalogOf(
        stream('orders', ORDERS, {
          destination_sync_mode: 'append_dedup',
          primary_key: [['id']],
          cursor_field: ['updated_at'],
        }),
      );
      const run = await runWrite(config, catalog, [...dedupInput, stateOf('orders', {}, 1)]);
      expect(run.error).toBeUndefined();
      expect(
        await db.rows(`SELECT id, status, updated_at FROM b${batchSize}_orders ORDER BY id`),
      ).toEqual([
        { id: '1', status: 'tie-last', updated_at: '7' },
        { id: '2', status: 'paid', updated_at: '2' },
        { id: '3', status: 'dated', updated_at: '1' },
      ]);
    });
  }

  // DATETIME(6) keeps microseconds: cursors that differ below them are equal once stored,
  // so the later record wins, in one batch or across batches alike.
  const at = (fraction: string) => `2024-07-01T00:00:00.${fraction}Z`;
  const subMicro = records('events', [
    { id: 1, status: 'one-a', updated_at: at('0000002') },
    { id: 1, status: 'one-b', updated_at: at('0000001') },
    { id: 2, status: 'two-a', updated_at: at('0000019') },
    { id: 2, status: 'two-b', updated_at: at('000001') },
    { id: 3, status: 'three-a', updated_at: at('0000025') },
    { id: 3, status: 'three-b', updated_at: at('0000019') },
    { id: 2, status: 'two-c', updated_at: at('0000010') },
    { id: 1, status: 'one-c', updated_at: at('0000009') },
  ]);

  for (const batchSize of [1, 7, 1000]) {
    it(`append_dedup: cursors finer than a microsecond compare as stored (batch ${batchSize})`, async () => {
      const config = { ...db.config, table_prefix: `ns${batchSize}_`, batch_size: batchSize };
      const catalog = catalogOf(
        stream(
          'events',
          {
            id: { type: 'integer' },
            status: { type: 'string' },
            updated_at: { type: 'string', format: 'date-time' },
          },
          {
            destination_sync_mode: 'append_dedup',
            primary_key: [['id']],
            cursor_field: ['updated_at'],
          },
        ),
      );
      const run = await runWrite(config, catalog, [...subMicro, stateOf('events', {}, 1)]);
      expect(run.error).toBeUndefined();
      expect(
        await db.rows(`SELECT id, status, updated_at FROM ns${batchSize}_events ORDER BY id`),
      ).toEqual([
        { id: '1', status: 'one-c', updated_at: '2024-07-01 00:00:00.000000' },
        { id: '2', status: 'two-c', updated_at: '2024-07-01 00:00:00.000001' },
        { id: '3', status: 'three-a', updated_at: '2024-07-01 00:00:00.000002' },
      ]);
    });
  }

  for (const batchSize of [1, 1000]) {
    it(`append_dedup: text cursors compare by code point, as stored (batch ${batchSize})`, async () => {
      const config = { ...db.config, table_prefix: `cp${batchSize}_`, batch_size: batchSize };
      const catalog = catalogOf(
        stream(
          'tags',
          { id: { type: 'integer' }, v: { type: 'string' } },
          { destination_sync_mode: 'append_dedup', primary_key: [['id']], cursor_field: ['v'] },
        ),
      );
      // U+1F600 is above U+FFFD by code point, below it by UTF-16 unit.
      const run = await runWrite(config, catalog, [
        ...records('tags', [
          { id: 1, v: '\u{1F600}' },
          { id: 1, v: '\uFFFD' },
        ]),
        stateOf('tags', {}, 1),
      ]);
      expect(run.error).toBeUndefined();
      expect(await db.rows(`SELECT id, HEX(v) AS v FROM cp${batchSize}_tags`)).toEqual([
        { id: '1', v: 'F09F9880' },
      ]);
    });
  }

  it('append_dedup: an unchanged record leaves the row and its metadata untouched', async () => {
    const config = { ...db.config, table_prefix: 'same_' };
    const catalog = (syncId: number) =>
      catalogOf(
        stream('orders', ORDERS, {
          destination_sync_mode: 'append_dedup',
          primary_key: [['id']],
          cursor_field: ['updated_at'],
          sync_id: syncId,
        }),
      );
    const row = { id: 1, status: 'new', updated_at: 5 };
    await runWrite(config, catalog(1), records('orders', [row]));
    await runWrite(
      config,
      catalog(2),
      records('orders', [row, { id: 2, status: 'x', updated_at: 1 }]),
    );
    expect(
      await db.rows('SELECT id, _tributary_sync_id AS s FROM same_orders ORDER BY id'),
    ).toEqual([
      { id: '1', s: '1' },
      { id: '2', s: '2' },
    ]);
  });

  // utf8mb4_bin pads with spaces on MariaDB: 'a' and 'a ' would be one key, 'x' -> 'x  ' no change.
  const codes = catalogOf(
    stream(
      'codes',
      { code: { type: 'string' }, label: { type: ['string', 'null'] } },
      { destination_sync_mode: 'append_dedup', primary_key: [['code']] },
    ),
  );
  const exactCollation = async () => {
    const [server] = await db.rows('SELECT VERSION() AS v');
    return String(server?.v).includes('MariaDB') ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
  };
  const collations = (table: string) =>
    db.rows(
      `SELECT COLUMN_NAME AS c, COLLATION_NAME AS k FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLLATION_NAME IS NOT NULL
        ORDER BY ORDINAL_POSITION`,
      [table],
    );

  for (const batchSize of [1, 1000]) {
    it(`append_dedup: text keys and values compare exactly, trailing spaces too (batch ${batchSize})`, async () => {
      const config = { ...db.config, table_prefix: `pad${batchSize}_`, batch_size: batchSize };
      const first = await runWrite(config, codes, [
        ...records('codes', [
          { code: 'a', label: 'x' },
          { code: 'a ', label: 'spaced key' },
        ]),
        stateOf('codes', {}, 1),
      ]);
      expect(first.error).toBeUndefined();
      const second = await runWrite(config, codes, [
        ...records('codes', [{ code: 'a', label: 'x  ' }]),
        stateOf('codes', {}, 2),
      ]);
      expect(second.error).toBeUndefined();
      expect(
        await db.rows(
          `SELECT HEX(code) AS code, HEX(label) AS label FROM pad${batchSize}_codes ORDER BY 1`,
        ),
      ).toEqual([
        { code: '61', label: '782020' },
        { code: '6120', label: Buffer.from('spaced key').toString('hex').toUpperCase() },
      ]);
      const exact = await exactCollation();
      expect(await collations(`pad${batchSize}_codes`)).toEqual([
        { c: 'code', k: exact },
        { c: 'label', k: exact },
      ]);
    });
  }

  it('a table of an older version (utf8mb4_bin) gets the exact collation before any data', async () => {
    const config = { ...db.config, table_prefix: 'old_' };
    await runWrite(config, codes, [...records('codes', [{ code: 'a', label: 'x' }])]);
    await db.conn.query(
      `ALTER TABLE old_codes
        MODIFY code VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
        MODIFY label TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL`,
    );
    await db.conn.query(
      'ALTER TABLE _tributary_state CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
    );
    const logger = memoryLogger();
    const run = await runWrite(
      config,
      codes,
      [
        ...records('codes', [
          { code: 'a', label: 'x  ' },
          { code: 'a ', label: 'spaced key' },
        ]),
        stateOf('codes', {}, 1),
      ],
      { ctx: context(logger) },
    );
    expect(run.error).toBeUndefined();
    const exact = await exactCollation();
    expect(logger.ddl).toHaveLength(1);
    expect(logger.ddl[0]).toContain(`COLLATE ${exact}`);
    expect(await collations('old_codes')).toEqual([
      { c: 'code', k: exact },
      { c: 'label', k: exact },
    ]);
    expect(await collations('_tributary_state')).toEqual([
      { c: 'stream_key', k: exact },
      { c: 'state', k: exact },
    ]);
    expect(
      await db.rows('SELECT HEX(code) AS code, HEX(label) AS label FROM old_codes ORDER BY 1'),
    ).toEqual([
      { code: '61', label: '782020' },
      { code: '6120', label: Buffer.from('spaced key').toString('hex').toUpperCase() },
    ]);

    const again = memoryLogger();
    await runWrite(config, codes, records('codes', [{ code: 'b', label: 'y' }]), {
      ctx: context(again),
    });
    expect(again.ddl).toEqual([]);
  });

  it('overwrite: the old table stays whole until the input ends, then is swapped', async () => {
    const config = { ...db.config, table_prefix: 'ow_' };
    const catalog = catalogOf(stream('orders', ORDERS, { destination_sync_mode: 'overwrite' }));
    await runWrite(config, catalog, records('orders', [{ id: 1, status: 'a', updated_at: 1 }]));
    const failed = await runWrite(
      config,
      catalog,
      [...records('orders', [{ id: 9, status: 'b', updated_at: 1 }]), stateOf('orders', {}, 1)],
      { failAfter: new Error('source broke') },
    );
    expect((failed.error as Error).message).toContain('source broke');
    expect(failed.out.filter((m) => m.type === 'STATE')).toEqual([]);
    expect(await db.rows('SELECT id, status FROM ow_orders')).toEqual([{ id: '1', status: 'a' }]);

    const ok = await runWrite(config, catalog, [
      ...records('orders', [
        { id: 2, status: 'b', updated_at: 1 },
        { id: 3, status: 'c', updated_at: 1 },
      ]),
      stateOf('orders', { n: 1 }, 2),
    ]);
    expect(ok.error).toBeUndefined();
    expect(ok.out.filter((m) => m.type === 'STATE')).toHaveLength(1);
    expect(await db.rows('SELECT id, status FROM ow_orders ORDER BY id')).toEqual([
      { id: '2', status: 'b' },
      { id: '3', status: 'c' },
    ]);
    expect(
      await db.rows(
        "SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '%ow_orders%' ORDER BY 1",
      ),
    ).toEqual([{ t: 'ow_orders' }]);
  });

  it('an empty stream still gets its table', async () => {
    const run = await runWrite(db.config, catalogOf(stream('empty', ORDERS)), []);
    expect(run.error).toBeUndefined();
    expect(await db.rows('SELECT COUNT(*) AS n FROM empty')).toEqual([{ n: '0' }]);
  });

  it('append: a failing source rolls back what no STATE covered; states are committed', async () => {
    const config = { ...db.config, table_prefix: 'roll_' };
    const catalog = catalogOf(stream('orders', ORDERS));
    const run = await runWrite(
      config,
      catalog,
      [
        ...records('orders', [{ id: 1, status: 'a', updated_at: 1 }]),
        stateOf('orders', { cursor: 1 }, 7),
        ...records('orders', [{ id: 2, status: 'b', updated_at: 2 }]),
      ],
      { failAfter: new Error('cancelled') },
    );
    expect(run.error).toBeDefined();
    expect(await db.rows('SELECT id FROM roll_orders')).toEqual([{ id: '1' }]);
    const { destination } = await import('../src/index.js');
    expect(await destination.committedState!(config, catalog, context())).toEqual([
      {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 1 } },
        tributary: { generation: 0, sequence: 7 },
      },
    ]);
    await destination.resetState!(config, catalog, ['orders'], context());
    expect(await destination.committedState!(config, catalog, context())).toEqual([]);
  });

  it('LOAD DATA and the INSERT fallback give identical tables', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => ({
      id: i,
      status: i % 7 === 0 ? 'tab\there\nnew line \\ back 🚀' : i % 5 === 0 ? null : `s${i}`,
      updated_at: i * 1000,
    }));
    const catalog = catalogOf(stream('orders', ORDERS));
    const input: Message[] = [...records('orders', rows), stateOf('orders', {}, 1)];
    const viaLoad = memoryLogger();
    const load = await runWrite(
      { ...db.config, table_prefix: 'ld_', load_method: 'load_data', batch_size: 128 },
      catalog,
      input,
      { ctx: context(viaLoad) },
    );
    const viaInsert = memoryLogger();
    const insert = await runWrite(
      { ...db.config, table_prefix: 'ins_', local_infile: false, insert_statement_bytes: 2048 },
      catalog,
      input,
      { ctx: context(viaInsert) },
    );
    expect(load.error).toBeUndefined();
    expect(insert.error).toBeUndefined();
    expect(viaLoad.infos).toEqual([]);
    const a = await db.rows('SELECT id, status, updated_at FROM ld_orders ORDER BY id');
    const b = await db.rows('SELECT id, status, updated_at FROM ins_orders ORDER BY id');
    expect(a).toHaveLength(500);
    expect(a[7]).toEqual({ id: '7', status: 'tab\there\nnew line \\ back 🚀', updated_at: '7000' });
    expect(b).toEqual(a);
  });

  it('auto falls back to INSERT when the server refuses LOAD DATA LOCAL', async () => {
    const logger = memoryLogger();
    const { Loader } = await import('../src/loader.js');
    const { openSession, closeSession } = await import('../src/connection.js');
    const { MysqlConfig } = await import('../src/config.js');
    const { parseConfig } = await import('@tributary/core');
    const config = parseConfig(MysqlConfig, { ...db.config, local_infile: false });
    const session = await openSession(config);
    // The client offers no LOCAL capability but the loader is told the server allows it.
    session.localInfile = true;
    const loader = new Loader(session, 'auto', 1 << 20, (why) => logger.info(why));
    await session.conn.query('CREATE TABLE fb (id BIGINT, v TEXT)');
    await loader.load(
      'fb',
      ['id', 'v'],
      [
        ['1', 'a'],
        ['2', null],
      ],
    );
    expect(loader.using).toBe('insert');
    expect(logger.infos).toHaveLength(1);
    await closeSession(session);
    expect(await db.rows('SELECT id, v FROM fb ORDER BY id')).toEqual([
      { id: '1', v: 'a' },
      { id: '2', v: null },
    ]);
  });
});
