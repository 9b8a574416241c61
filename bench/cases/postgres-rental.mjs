import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT, workdir, writeYaml } from './shared.mjs';

const HOST = process.env.PGHOST ?? '127.0.0.1';
const USER = process.env.PGUSER ?? 'root';
const PAGILA = join(ROOT, 'connectors/source-postgres/test/fixtures/pagila');
const SOURCE = join(ROOT, 'connectors/source-postgres/dist/index.js');
const DESTINATION = join(ROOT, 'connectors/destination-postgres/dist/index.js');
const SCHEMA = 'bench';

/**
 * Pagila's rental table holds 16,044 rows: too few to time. The source database holds it 63
 * times, each copy with ids shifted by k × 100,000 and dates by k years (so the unique index
 * on rental_date, inventory_id, customer_id still holds).
 */
const COPIES = 63;
const PAGILA_RENTALS = 16_044;
const ROWS = PAGILA_RENTALS * COPIES;

/** rental's columns as our destination creates them (integers as bigint), then metadata. */
const COLUMNS = [
  'rental_id bigint',
  'rental_date timestamptz',
  'inventory_id bigint',
  'customer_id bigint',
  'return_date timestamptz',
  'staff_id bigint',
  'last_update timestamptz',
  '_tributary_extracted_at timestamptz',
  '_tributary_sync_id bigint',
  '_tributary_deleted_at timestamptz',
];
const DATA =
  'rental_id, rental_date, inventory_id, customer_id, return_date, staff_id, last_update';

function psql(database, args) {
  return execFileSync(
    'psql',
    ['-h', HOST, '-U', USER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-qtA', ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).trim();
}
const sql = (database, text) => psql(database, ['-c', text]);

/** A database of this bench run, dropped when the harness exits (even on failure). */
function createDatabase(purpose) {
  const database = `tributary_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  sql('postgres', `CREATE DATABASE ${database}`);
  process.once('exit', () => {
    try {
      sql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } catch {}
  });
  return database;
}

/** Pagila, then rental grown to COPIES copies of itself. */
function loadSource(database) {
  for (const file of ['pagila-schema.sql', 'pagila-data.sql'])
    psql(database, ['-f', join(PAGILA, file)]);
  sql(
    database,
    `INSERT INTO rental (${DATA})
     SELECT rental_id + k * 100000, rental_date + k * interval '1 year', inventory_id,
            customer_id, return_date + k * interval '1 year', staff_id, last_update
     FROM rental, generate_series(1, ${COPIES - 1}) AS k`,
  );
  sql(database, 'VACUUM ANALYZE rental');
}

/** A fingerprint of a rental table both sides must match: rows, distinct ids, id sum, dates. */
const FINGERPRINT =
  "count(*) || ' ' || count(DISTINCT rental_id) || ' ' || sum(rental_id) || ' ' || " +
  "min(rental_date AT TIME ZONE 'UTC') || ' ' || max(return_date AT TIME ZONE 'UTC')";

export const postgresRental = {
  name: 'postgres-postgres-rental',
  description: `pagila's rental table grown to ${COPIES} copies (${ROWS.toLocaleString('en-US')} rows, ids and dates shifted) from one PostgreSQL database to another, against psql COPY … TO STDOUT piped into COPY … FROM STDIN`,
  referenceName: 'psql-copy-pipe',
  async setup() {
    try {
      sql('postgres', 'SELECT 1');
    } catch {
      return { skip: `no PostgreSQL reachable at ${HOST} as ${USER}` };
    }
    const dir = workdir('postgres-postgres-rental');
    const source = createDatabase('rental_src');
    const target = createDatabase('rental_dst');
    const reference = createDatabase('rental_ref');
    loadSource(source);
    const expected = sql(source, `SELECT ${FINGERPRINT} FROM rental`);
    const ctx = {
      cwd: dir,
      rows: ROWS,
      source,
      target,
      reference,
      expected,
      state: join(dir, 'state.db'),
    };
    ctx.config = writeYaml(
      dir,
      `state:
  path: ${JSON.stringify(ctx.state)}
syncs:
  - name: bench
    source:
      package: ${JSON.stringify(SOURCE)}
      config: ${JSON.stringify({ host: HOST, user: USER, database: source })}
    destination:
      package: ${JSON.stringify(DESTINATION)}
      config: ${JSON.stringify({ host: HOST, user: USER, database: target, schema: SCHEMA })}
    streams:
      - name: rental
        namespace: public
        destination_sync_mode: append
`,
    );
    return ctx;
  },
  beforeReference(ctx) {
    sql(ctx.reference, 'DROP TABLE IF EXISTS rental');
    sql(ctx.reference, `CREATE TABLE rental (${COLUMNS.join(', ')})`);
    sql(ctx.reference, 'CHECKPOINT');
  },
  reference(ctx) {
    const connect = (db) => `psql -h ${HOST} -U ${USER} -d ${db} -v ON_ERROR_STOP=1 -q`;
    return (
      `${connect(ctx.source)} -c "COPY rental (${DATA}) TO STDOUT" | ` +
      `${connect(ctx.reference)} -c "COPY rental (${DATA}) FROM STDIN"`
    );
  },
  beforeOurs(ctx) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(ctx.state + suffix, { force: true });
    sql(ctx.target, `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    sql(ctx.target, 'CHECKPOINT');
  },
  ours(ctx) {
    return `${CLI} sync ${ctx.config}`;
  },
  verify(ctx) {
    for (const [side, db, table] of [
      ['ours', ctx.target, `${SCHEMA}.rental`],
      ['reference', ctx.reference, 'rental'],
    ]) {
      const found = sql(db, `SELECT ${FINGERPRINT} FROM ${table}`);
      if (found !== ctx.expected)
        throw new Error(
          `postgres-postgres-rental (${side}): expected ${ctx.expected}, found ${found}`,
        );
    }
  },
};
