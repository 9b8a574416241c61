import { AuthError, ConfigError, fieldsOf, isSpecialValue } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  configFor,
  configure,
  createDatabase,
  dropDatabase,
  recordingContext,
  recordsOf,
  serverOrSkip,
  source,
  sql,
} from './helpers.js';

const user = await serverOrSkip('types.integration.test.ts');

describe.skipIf(!user)('column types and values', () => {
  let db = '';
  const config = () => configFor(user as string, db);

  beforeAll(async () => {
    db = await createDatabase(user as string);
    await sql(
      user as string,
      db,
      String.raw`CREATE DOMAIN posint AS bigint NOT NULL CHECK (VALUE > 0);
      CREATE TYPE mood AS ENUM ('sad', 'ok');
      CREATE TABLE kinds (id int PRIMARY KEY, big bigint, dom posint, num numeric(12,4),
        real4 real, dbl double precision, flag boolean, d date, ts timestamp, tstz timestamptz,
        t time, js json, jb jsonb, raw bytea, ints int[], texts text[], moods mood[],
        iv interval, u uuid, ch char(3), tv tsvector);
      INSERT INTO kinds VALUES (1, 9007199254740993, 5, 12.5000, 1.5, 0.1, true, '2024-02-29',
        '2024-03-01 10:00:00.123456', '2024-03-01 10:00:00.123456+02', '23:59:59.999999',
        '{"a":[1,2]}', '{"b": 1.50}', '\xdeadbeef', '{1,NULL,3}', '{"a,b",NULL,"NULL"}',
        '{sad,ok}', '1 day 02:00:00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'ab',
        'fat & rat');
      INSERT INTO kinds (id, dom) VALUES (2, 1);`,
    );
  });

  afterAll(async () => {
    if (db) await dropDatabase(user as string, db);
  });

  it('maps each column type to its logical type', async () => {
    const catalog = await source.discover(config(), recordingContext());
    const props = catalog.streams[0]?.json_schema.properties as Record<string, unknown>;
    expect(props).toEqual({
      id: { type: 'integer' },
      big: { type: ['string', 'null'], airbyte_type: 'big_integer' },
      dom: { type: 'string', airbyte_type: 'big_integer' },
      num: { type: ['string', 'null'], format: 'decimal' },
      real4: { type: ['number', 'null'] },
      dbl: { type: ['number', 'null'] },
      flag: { type: ['boolean', 'null'] },
      d: { type: ['string', 'null'], format: 'date' },
      ts: {
        type: ['string', 'null'],
        format: 'date-time',
        airbyte_type: 'timestamp_without_timezone',
      },
      tstz: {
        type: ['string', 'null'],
        format: 'date-time',
        airbyte_type: 'timestamp_with_timezone',
      },
      t: { type: ['string', 'null'], format: 'time', airbyte_type: 'time_without_timezone' },
      js: {},
      jb: {},
      raw: { type: ['string', 'null'], contentEncoding: 'base64' },
      ints: { type: ['array', 'null'], items: { type: ['integer', 'null'] } },
      texts: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
      moods: {
        type: ['array', 'null'],
        items: { type: ['string', 'null'], enum: ['sad', 'ok', null] },
      },
      iv: { type: ['string', 'null'] },
      u: { type: ['string', 'null'] },
      ch: { type: ['string', 'null'] },
      tv: { type: ['string', 'null'] },
    });
  });

  it('reads every value exactly, never as a JS Date or a rounded number', async () => {
    const catalog = await source.discover(config(), recordingContext());
    const messages = await collect(
      source.read(config(), configure(catalog.streams, ['kinds']), [], recordingContext()),
    );
    const [full, sparse] = recordsOf(messages);
    expect(full).toEqual({
      id: 1,
      big: '9007199254740993',
      dom: '5',
      num: '12.5000',
      real4: 1.5,
      dbl: 0.1,
      flag: true,
      d: '2024-02-29',
      ts: '2024-03-01T10:00:00.123456',
      tstz: '2024-03-01T08:00:00.123456Z',
      t: '23:59:59.999999',
      js: { a: [1, 2] },
      jb: { b: 1.5 },
      raw: '3q2+7w==',
      ints: [1, null, 3],
      texts: ['a,b', null, 'NULL'],
      moods: ['sad', 'ok'],
      iv: '1 day 02:00:00',
      u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
      ch: 'ab ',
      tv: "'&' 'fat' 'rat'",
    });
    expect(sparse).toMatchObject({ id: 2, dom: '1', big: null, ints: null, js: null });
  });
});

describe.skipIf(!user)('special values', () => {
  let db = '';
  const config = () => configFor(user as string, db);

  beforeAll(async () => {
    db = await createDatabase(user as string);
    await sql(
      user as string,
      db,
      `CREATE TABLE specials (id int PRIMARY KEY, num numeric, num_scaled numeric(10,2),
        real4 real, dbl double precision, tstz timestamptz, ts timestamp, d date);
      INSERT INTO specials VALUES
        (1, 'NaN', 'NaN', 'NaN', 'NaN', 'infinity', 'infinity', 'infinity'),
        (2, 'Infinity', 'NaN', 'Infinity', 'Infinity', '-infinity', '-infinity', '-infinity'),
        (3, '-Infinity', 'NaN', '-Infinity', '-Infinity', NULL, NULL, NULL);`,
    );
  });

  afterAll(async () => {
    if (db) await dropDatabase(user as string, db);
  });

  it("reads NaN and infinities as core's strings, in fields of their own type", async () => {
    const catalog = await source.discover(config(), recordingContext());
    const props = catalog.streams[0]?.json_schema.properties as Record<string, unknown>;
    expect(props.num).toEqual({ type: ['string', 'null'], format: 'decimal' });
    expect(props.dbl).toEqual({ type: ['number', 'null'] });
    const messages = await collect(
      source.read(config(), configure(catalog.streams, ['specials']), [], recordingContext()),
    );
    expect(recordsOf(messages)).toEqual([
      {
        id: 1,
        num: 'NaN',
        num_scaled: 'NaN',
        real4: 'NaN',
        dbl: 'NaN',
        tstz: 'infinity',
        ts: 'infinity',
        d: 'infinity',
      },
      {
        id: 2,
        num: 'Infinity',
        num_scaled: 'NaN',
        real4: 'Infinity',
        dbl: 'Infinity',
        tstz: '-infinity',
        ts: '-infinity',
        d: '-infinity',
      },
      {
        id: 3,
        num: '-Infinity',
        num_scaled: 'NaN',
        real4: '-Infinity',
        dbl: '-Infinity',
        tstz: null,
        ts: null,
        d: null,
      },
    ]);
    const fields = fieldsOf(catalog.streams[0]?.json_schema);
    for (const record of recordsOf(messages)) {
      for (const [field, value] of Object.entries(record)) {
        const type = fields.get(field)?.type ?? 'json';
        if (typeof value === 'string')
          expect([field, isSpecialValue(value, type)]).toEqual([field, true]);
      }
    }
  });
});

describe('check and bad credentials', () => {
  const password = 'pw-Secret-4711';

  it('fails check on an unreachable server naming host and user, never the password', async () => {
    const status = await source.check(
      { host: '127.0.0.1', port: 1, database: 'shop', user: 'alice', password },
      recordingContext(),
    );
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('127.0.0.1:1');
    expect(status.message).toContain("user 'alice'");
    expect(status.message).not.toContain(password);
  });

  it.skipIf(!user)('fails check and discover for a role the server refuses', async () => {
    const config = configFor('no_such_role_tributary', 'postgres', { password });
    const status = await source.check(config, recordingContext());
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain("user 'no_such_role_tributary'");
    expect(status.message).not.toContain(password);
    const error = await source.discover(config, recordingContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(String((error as Error).message)).not.toContain(password);
  });

  it.skipIf(!user)('succeeds check on the live server', async () => {
    const status = await source.check(configFor(user as string, 'postgres'), recordingContext());
    expect(status).toEqual({ status: 'SUCCEEDED' });
  });

  it('refuses a config without a database, naming the field', async () => {
    expect(() => source.parseConfig({ host: 'h', user: 'u' })).toThrow(ConfigError);
    expect(() => source.parseConfig({ host: 'h', user: 'u' })).toThrow(/database/);
  });
});
