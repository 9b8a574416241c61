import { ConfigError, nameHash } from '@tributary/core';
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
  traces,
} from './helpers/run.js';

const columnsOf = (db: TestDatabase, table: string) =>
  db.rows(
    `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [table],
  );

describe.skipIf(!serverUp)('types and identifiers (MySQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('keeps emoji, micros, UTC instants, decimal scale and big integers exactly', async () => {
    const catalog = catalogOf(
      stream('values', {
        id: { type: 'integer' },
        note: { type: 'string' },
        at_tz: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
        at_local: {
          type: 'string',
          format: 'date-time',
          airbyte_type: 'timestamp_without_timezone',
        },
        day: { type: 'string', format: 'date' },
        price: { type: 'string', format: 'decimal' },
        big: { type: 'string', airbyte_type: 'big_integer' },
        ratio: { type: 'number' },
        ok: { type: 'boolean' },
        meta: { type: 'object' },
      }),
    );
    const run = await runWrite(db.config, catalog, [
      ...records('values', [
        {
          id: 1,
          note: 'launch 🚀 ünïcode',
          at_tz: '2024-07-02T14:00:00.123456+02:00',
          at_local: '2024-07-02T09:30:00.654321',
          day: '2024-02-29',
          price: '12.50',
          big: '18446744073709551617',
          ratio: 0.1,
          ok: true,
          meta: { tags: ['a', '🚀'] },
        },
        { id: 2, price: '-0.05', big: '-9223372036854775809', ok: false },
      ]),
      stateOf('values', {}, 1),
    ]);
    expect(run.error).toBeUndefined();
    expect(await columnsOf(db, 'values')).toEqual([
      { name: 'id', type: 'bigint(20)' },
      { name: 'note', type: 'text' },
      { name: 'at_tz', type: 'datetime(6)' },
      { name: 'at_local', type: 'datetime(6)' },
      { name: 'day', type: 'date' },
      { name: 'price', type: 'decimal(22,2)' },
      { name: 'big', type: 'decimal(65,0)' },
      { name: 'ratio', type: 'double' },
      { name: 'ok', type: 'tinyint(1)' },
      { name: 'meta', type: 'longtext' },
      { name: '_tributary_extracted_at', type: 'datetime(6)' },
      { name: '_tributary_sync_id', type: 'bigint(20)' },
      { name: '_tributary_deleted_at', type: 'datetime(6)' },
    ]);
    expect(
      await db.rows(
        'SELECT id, note, at_tz, at_local, day, price, big, ratio, ok, meta, ' +
          '_tributary_extracted_at AS ex FROM `values` ORDER BY id',
      ),
    ).toEqual([
      {
        id: '1',
        note: 'launch 🚀 ünïcode',
        at_tz: '2024-07-02 12:00:00.123456',
        at_local: '2024-07-02 09:30:00.654321',
        day: '2024-02-29',
        price: '12.50',
        big: '18446744073709551617',
        ratio: 0.1,
        ok: 1,
        meta: { tags: ['a', '🚀'] },
        ex: '2024-07-02 12:00:00.000000',
      },
      {
        id: '2',
        note: null,
        at_tz: null,
        at_local: null,
        day: null,
        price: '-0.05',
        big: '-9223372036854775809',
        ratio: null,
        ok: 0,
        meta: null,
        ex: '2024-07-02 12:00:00.000000',
      },
    ]);
  });

  it('widens a decimal column when a value needs more scale, keeping old values', async () => {
    const catalog = catalogOf(
      stream('prices', { id: { type: 'integer' }, p: { type: 'string', format: 'decimal' } }),
    );
    await runWrite(db.config, catalog, records('prices', [{ id: 1, p: '12.50' }]));
    const run = await runWrite(db.config, catalog, records('prices', [{ id: 2, p: '0.125' }]));
    expect(run.error).toBeUndefined();
    expect(await columnsOf(db, 'prices')).toContainEqual({ name: 'p', type: 'decimal(23,3)' });
    expect(await db.rows('SELECT id, p FROM prices ORDER BY id')).toEqual([
      { id: '1', p: '12.500' },
      { id: '2', p: '0.125' },
    ]);
  });

  it('maps Email and email to distinct, stable columns', async () => {
    const catalog = catalogOf(
      stream('people', {
        id: { type: 'integer' },
        Email: { type: 'string' },
        email: { type: 'string' },
      }),
    );
    const row = { id: 1, Email: 'A@Example.com', email: 'a@example.com' };
    await runWrite(db.config, catalog, records('people', [row]));
    await runWrite(db.config, catalog, records('people', [{ ...row, id: 2 }]));
    const map = await db.rows(
      `SELECT field, column_name FROM _tributary_columns WHERE table_name = 'people'
        ORDER BY field`,
    );
    const emailColumn = map.find((m) => m.field === 'email')?.column_name as string;
    expect(map.find((m) => m.field === 'Email')?.column_name).toBe('Email');
    expect(emailColumn).toMatch(/^email_[0-9a-f]{8}$/);
    expect(
      await db.rows(`SELECT id, Email, \`${emailColumn}\` AS e FROM people ORDER BY id`),
    ).toEqual([
      { id: '1', Email: 'A@Example.com', e: 'a@example.com' },
      { id: '2', Email: 'A@Example.com', e: 'a@example.com' },
    ]);
  });

  it('a field email added next to an existing Email column gets its own column', async () => {
    const contacts = (...fields: string[]) =>
      catalogOf(
        stream('contacts', {
          id: { type: 'integer' },
          ...Object.fromEntries(fields.map((f) => [f, { type: ['string', 'null'] }])),
        }),
      );
    const first = await runWrite(
      db.config,
      contacts('Email'),
      records('contacts', [{ id: 1, Email: 'A@X.COM' }]),
    );
    expect(first.error).toBeUndefined();

    const second = await runWrite(
      db.config,
      contacts('Email', 'email'),
      records('contacts', [{ id: 2, Email: 'B@X.COM', email: 'b@x.com' }]),
    );
    expect(second.error).toBeUndefined();
    const map = await db.rows(
      `SELECT field, column_name AS c FROM _tributary_columns WHERE table_name = 'contacts'
        ORDER BY field`,
    );
    const email = map.find((m) => m.field === 'email')?.c as string;
    expect(email).toBe(`email_${nameHash('email')}`);
    expect(map).toEqual([
      { field: 'Email', c: 'Email' },
      { field: 'email', c: email },
      { field: 'id', c: 'id' },
    ]);
    expect(traces(second.out, 'SCHEMA_CHANGE').map((t) => t.schema_change)).toEqual([
      {
        stream_descriptor: { name: 'contacts' },
        change: 'column_added',
        field: 'email',
        column: email,
        to_type: 'string',
      },
    ]);

    const logger = memoryLogger();
    const third = await runWrite(
      db.config,
      contacts('email', 'Email'),
      records('contacts', [{ id: 3, email: 'c@x.com', Email: 'C@X.COM' }]),
      { ctx: context(logger) },
    );
    expect(third.error).toBeUndefined();
    expect(logger.ddl).toEqual([]);
    expect(await db.rows(`SELECT id, Email, \`${email}\` AS e FROM contacts ORDER BY id`)).toEqual([
      { id: '1', Email: 'A@X.COM', e: null },
      { id: '2', Email: 'B@X.COM', e: 'b@x.com' },
      { id: '3', Email: 'C@X.COM', e: 'c@x.com' },
    ]);
  });

  it('a table made elsewhere: each field takes the column of its own name first', async () => {
    await db.conn.query(
      `CREATE TABLE leads (id BIGINT, Email TEXT, _tributary_extracted_at DATETIME(6),
        _tributary_sync_id BIGINT, _tributary_deleted_at DATETIME(6))`,
    );
    const catalog = catalogOf(
      stream('leads', {
        id: { type: 'integer' },
        email: { type: ['string', 'null'] },
        Email: { type: ['string', 'null'] },
      }),
    );
    const run = await runWrite(
      db.config,
      catalog,
      records('leads', [{ id: 1, email: 'a@x.com', Email: 'A@X.COM' }]),
    );
    expect(run.error).toBeUndefined();
    const email = `email_${nameHash('email')}`;
    expect(
      await db.rows(
        `SELECT field, column_name AS c FROM _tributary_columns WHERE table_name = 'leads'
          ORDER BY field`,
      ),
    ).toEqual([
      { field: 'Email', c: 'Email' },
      { field: 'email', c: email },
      { field: 'id', c: 'id' },
    ]);
    expect(await db.rows(`SELECT id, Email, \`${email}\` AS e FROM leads`)).toEqual([
      { id: '1', Email: 'A@X.COM', e: 'a@x.com' },
    ]);
  });

  const LONG_SCORE = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_score';
  const LONG_COMMENT = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_comment';
  const survey = catalogOf(
    stream('survey', {
      id: { type: 'integer' },
      [LONG_SCORE]: { type: 'integer' },
      [LONG_COMMENT]: { type: 'string' },
    }),
  );

  it('BR-18: shortens names over 64 characters to stable distinct columns, no ALTER later', async () => {
    const row = { id: 1, [LONG_SCORE]: 4, [LONG_COMMENT]: 'quick and clear' };
    const first = await runWrite(db.config, survey, records('survey', [row]));
    expect(first.error).toBeUndefined();
    const columns = (await columnsOf(db, 'survey')).map((c) => c.name as string);
    expect(columns).toHaveLength(6);
    for (const c of columns) expect([...c].length).toBeLessThanOrEqual(64);
    const map = await db.rows(
      `SELECT field, column_name FROM _tributary_columns WHERE table_name = 'survey'`,
    );
    const score = map.find((m) => m.field === LONG_SCORE)?.column_name as string;
    const comment = map.find((m) => m.field === LONG_COMMENT)?.column_name as string;
    expect(score).not.toBe(comment);
    expect(score).toMatch(/^how_satisfied_were_you_with_the_onboarding_call_in_your_[0-9a-f_]+$/);
    expect(await db.rows(`SELECT \`${score}\` AS s, \`${comment}\` AS c FROM survey`)).toEqual([
      { s: '4', c: 'quick and clear' },
    ]);

    const logger = memoryLogger();
    const second = await runWrite(db.config, survey, records('survey', [{ ...row, id: 2 }]), {
      ctx: context(logger),
    });
    expect(second.error).toBeUndefined();
    expect(logger.ddl).toEqual([]);
    expect((await columnsOf(db, 'survey')).map((c) => c.name)).toEqual(columns);
    const again = await db.rows(
      `SELECT field, column_name FROM _tributary_columns WHERE table_name = 'survey'`,
    );
    expect(again).toEqual(map);
  });

  it('BR-18: identifier_collision fail names both fields before CREATE TABLE', async () => {
    const config = { ...db.config, identifier_collision: 'fail', table_prefix: 'strict_' };
    const row = { id: 1, [LONG_SCORE]: 4, [LONG_COMMENT]: 'quick and clear' };
    const run = await runWrite(config, survey, records('survey', [row]));
    expect(run.error).toBeInstanceOf(ConfigError);
    expect((run.error as Error).message).toContain(LONG_SCORE);
    expect((run.error as Error).message).toContain(LONG_COMMENT);
    expect(await columnsOf(db, 'strict_survey')).toEqual([]);
  });
});
