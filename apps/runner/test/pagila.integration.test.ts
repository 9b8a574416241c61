import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runSync, SqliteStateStore, type SyncConfig, type SyncResult } from '@tributary/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query } from './helpers.js';
import {
  createDatabase,
  dropDatabase,
  loadPagila,
  PG_HOST,
  PG_PORT,
  pgQuery,
  pgUserOrSkip,
} from './pg-support.js';

// Pagila end to end through the real engine: source-postgres into destination-postgres and
// destination-sqlite, every table incremental on its timestamp, appended (so a record sent
// twice would show as a second row). Run 1 copies everything; run 2, after one new payment,
// must move exactly that payment.

const user = await pgUserOrSkip('pagila.integration.test.ts');

/** Pagila's row counts, and each table's primary key. */
const TABLES: Record<string, { count: number; key: string[] }> = {
  payment: { count: 16049, key: ['payment_date', 'payment_id'] },
  rental: { count: 16044, key: ['rental_id'] },
  film_actor: { count: 5462, key: ['actor_id', 'film_id'] },
  inventory: { count: 4581, key: ['inventory_id'] },
  film_category: { count: 2367, key: ['film_id', 'category_id'] },
  staff: { count: 1500, key: ['staff_id'] },
  film: { count: 1000, key: ['film_id'] },
  address: { count: 603, key: ['address_id'] },
  city: { count: 600, key: ['city_id'] },
  customer: { count: 599, key: ['customer_id'] },
  store: { count: 500, key: ['store_id'] },
  actor: { count: 200, key: ['actor_id'] },
  country: { count: 109, key: ['country_id'] },
  category: { count: 16, key: ['category_id'] },
  language: { count: 6, key: ['language_id'] },
};
const NAMES = Object.keys(TABLES);
const EXPECTED = Object.fromEntries(NAMES.map((n) => [n, TABLES[n]!.count]));

/** The payment run 2 must move, in the last partition (payment_p2022_07). */
const NEW_PAYMENT = `INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount,
  payment_date) VALUES (99001, 1, 1, 76, 12.34, '2022-07-31 23:59:58.000001+00')`;

describe.skipIf(!user)('pagila end to end', () => {
  const admin = user as string;
  let source = '';
  let target = '';
  let dir = '';
  let store: SqliteStateStore;
  const sqliteFile = () => path.join(dir, 'pagila.db');

  const sync = (name: string, destination: SyncConfig['destination']): SyncConfig => ({
    name,
    source: {
      package: '@tributary/source-postgres',
      config: { host: PG_HOST, port: PG_PORT, user: admin, database: source, fetch_size: 2000 },
    },
    destination,
    streams: NAMES.map((stream) => ({
      name: stream,
      namespace: 'public',
      sync_mode: 'incremental' as const,
      cursor_field: stream === 'payment' ? 'payment_date' : 'last_update',
      destination_sync_mode: 'append' as const,
    })),
  });
  const toPostgres = () =>
    sync('pagila_postgres', {
      package: '@tributary/destination-postgres',
      config: { host: PG_HOST, port: PG_PORT, user: admin, database: target },
    });
  const toSqlite = () =>
    sync('pagila_sqlite', {
      package: '@tributary/destination-sqlite',
      config: { path: sqliteFile() },
    });
  const run = (config: SyncConfig) =>
    runSync({ sync: config, store, resolveFrom: [import.meta.url] });

  // Summaries name a stream with its namespace: `public.payment`.
  const readCounts = (result: SyncResult) =>
    Object.fromEntries(result.streams.map((s) => [s.stream.replace(/^public\./, ''), s.read]));
  const pgCounts = async () => {
    const counts: Record<string, number> = {};
    for (const name of NAMES) {
      const key = TABLES[name]!.key.join(', ');
      const [row] = await pgQuery<{ rows: number; keys: number }>(
        admin,
        target,
        `SELECT count(*)::int AS rows, count(DISTINCT (${key}))::int AS keys FROM "${name}"`,
      );
      expect(row?.keys, `${name}: a key landed twice in Postgres`).toBe(row?.rows);
      counts[name] = row?.rows ?? -1;
    }
    return counts;
  };
  const sqliteCounts = () => {
    const counts: Record<string, number> = {};
    for (const name of NAMES) {
      const key = TABLES[name]!.key.join(', ');
      const [row] = query<{ rows: number; keys: number }>(
        sqliteFile(),
        `SELECT count(*) AS rows, (SELECT count(*) FROM (SELECT DISTINCT ${key} FROM "${name}"))
           AS keys FROM "${name}"`,
      );
      expect(row?.keys, `${name}: a key landed twice in SQLite`).toBe(row?.rows);
      counts[name] = row?.rows ?? -1;
    }
    return counts;
  };

  beforeAll(async () => {
    source = await createDatabase(admin, 'pagila_src');
    target = await createDatabase(admin, 'pagila_dst');
    loadPagila(admin, source);
    dir = mkdtempSync(path.join(tmpdir(), 'tributary-pagila-'));
    store = new SqliteStateStore(path.join(dir, 'state.db'));
  }, 180_000);

  afterAll(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (source) await dropDatabase(admin, source);
    if (target) await dropDatabase(admin, target);
  });

  it('run 1: every table reaches Postgres with the source row counts', async () => {
    const result = await run(toPostgres());
    expect(result.error?.message, 'the run failed').toBeUndefined();
    expect(result.status).toBe('succeeded');
    expect(readCounts(result)).toEqual(EXPECTED);
    expect(await pgCounts()).toEqual(EXPECTED);
  }, 300_000);

  it('run 1: every table reaches SQLite with the source row counts', async () => {
    const result = await run(toSqlite());
    expect(result.error?.message, 'the run failed').toBeUndefined();
    expect(result.status).toBe('succeeded');
    expect(readCounts(result)).toEqual(EXPECTED);
    expect(sqliteCounts()).toEqual(EXPECTED);
  }, 300_000);

  it('payment (partitioned): every amount with its scale, per month as in the source', async () => {
    const sql = `SELECT payment_id, amount::text AS amount,
      to_char(payment_date, 'YYYY-MM') AS month FROM payment ORDER BY payment_id`;
    const expected = await pgQuery<{ payment_id: number; amount: string; month: string }>(
      admin,
      source,
      sql,
    );
    expect(expected.length).toBe(16049);
    // Every month partition holds rows, so each one was read through the parent.
    expect(new Set(expected.map((r) => r.month))).toEqual(
      new Set(['2022-01', '2022-02', '2022-03', '2022-04', '2022-05', '2022-06', '2022-07']),
    );
    const inPostgres = await pgQuery<{ payment_id: string; amount: string; month: string }>(
      admin,
      target,
      sql,
    );
    expect(inPostgres.map((r) => ({ ...r, payment_id: Number(r.payment_id) }))).toEqual(expected);
    const inSqlite = query<{ payment_id: number; amount: string; month: string }>(
      sqliteFile(),
      `SELECT payment_id, amount, substr(payment_date, 1, 7) AS month FROM payment
        ORDER BY payment_id`,
    );
    expect(inSqlite).toEqual(expected);
  });

  it('spot checks: payment_date to the microsecond, enum, text[], tsvector', async () => {
    const [payment] = await pgQuery(
      admin,
      target,
      `SELECT amount::text AS amount, payment_date::text AS payment_date FROM payment
        WHERE payment_id = 16050`,
    );
    expect(payment).toEqual({ amount: '1.99', payment_date: '2022-06-21 07:41:50.707316+00' });
    const [sqlitePayment] = query(
      sqliteFile(),
      'SELECT amount, payment_date FROM payment WHERE payment_id = 16050',
    );
    expect(sqlitePayment).toEqual({ amount: '1.99', payment_date: '2022-06-21T07:41:50.707316Z' });

    const filmSql = `SELECT rating::text AS rating, special_features, fulltext::text AS fulltext,
      last_update::text AS last_update FROM film WHERE film_id = 1`;
    const [film] = await pgQuery(admin, source, filmSql);
    expect(film).toMatchObject({
      rating: 'PG',
      special_features: ['Deleted Scenes', 'Behind the Scenes'],
      last_update: '2022-09-10 16:46:03.905795+00',
    });
    expect(String(film?.fulltext).startsWith("'academi':1 'battl':15")).toBe(true);
    // jsonb in Postgres: pg parses it into the same array the source's text[] gives.
    expect((await pgQuery(admin, target, filmSql))[0]).toEqual(film);
    const [sqliteFilm] = query<Record<string, string>>(
      sqliteFile(),
      'SELECT rating, special_features, fulltext, last_update FROM film WHERE film_id = 1',
    );
    expect({
      ...sqliteFilm,
      special_features: JSON.parse(sqliteFilm?.special_features ?? 'null'),
    }).toEqual({ ...film, last_update: '2022-09-10T16:46:03.905795Z' });
  });

  it('run 2 (incremental): only the new payment moves, nothing twice', async () => {
    await pgQuery(admin, source, NEW_PAYMENT);
    const after = { ...EXPECTED, payment: 16050 };
    const moved = Object.fromEntries(NAMES.map((n) => [n, n === 'payment' ? 1 : 0]));

    const intoPostgres = await run(toPostgres());
    expect(intoPostgres.status).toBe('succeeded');
    expect(readCounts(intoPostgres)).toEqual(moved);
    expect(await pgCounts()).toEqual(after);

    const intoSqlite = await run(toSqlite());
    expect(intoSqlite.status).toBe('succeeded');
    expect(readCounts(intoSqlite)).toEqual(moved);
    expect(sqliteCounts()).toEqual(after);

    const [landed] = await pgQuery(
      admin,
      target,
      `SELECT amount::text AS amount, payment_date::text AS payment_date FROM payment
        WHERE payment_id = 99001`,
    );
    expect(landed).toEqual({ amount: '12.34', payment_date: '2022-07-31 23:59:58.000001+00' });
  }, 300_000);
});
