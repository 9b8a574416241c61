import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, orders, ordersSync, ROOT, workdir, writeYaml } from './shared.mjs';

const ROWS = 1_000_000;
const HOST = process.env.PGHOST ?? '127.0.0.1';
const USER = process.env.PGUSER ?? 'root';
const DESTINATION = join(ROOT, 'connectors/destination-postgres/dist/index.js');
const SCHEMA = 'bench';

/** The CSV's fields, in file order, with the types source-file infers and we create. */
const FIELDS = [
  ['id', 'bigint'],
  ['customer_id', 'bigint'],
  ['email', 'text'],
  ['status', 'text'],
  ['total_price', 'numeric'],
  ['currency', 'text'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const METADATA = [
  ['_tributary_extracted_at', 'timestamptz'],
  ['_tributary_sync_id', 'bigint'],
  ['_tributary_deleted_at', 'timestamptz'],
];
const NAMES = FIELDS.map(([name]) => name).join(', ');

/** The table our destination makes, as plain DDL; `withKey` adds its primary key. */
function tableDdl(table, withKey) {
  const columns = [...FIELDS, ...METADATA].map(([n, t]) => `${n} ${t}`);
  if (withKey) columns.push('PRIMARY KEY (id)');
  return `CREATE TABLE ${table} (${columns.join(', ')})`;
}

function psql(database, sql) {
  return execFileSync(
    'psql',
    ['-h', HOST, '-U', USER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-qtA', '-c', sql],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

/** `psql … <<SQL` as a shell command, so the harness measures psql itself. */
function psqlScript(database, lines) {
  const sql = lines.join('\n');
  return `psql -h ${HOST} -U ${USER} -d ${database} -v ON_ERROR_STOP=1 -q <<'SQL'\n${sql}\nSQL`;
}

/** A database of its own per bench run, dropped when the harness exits (even on failure). */
function createDatabase() {
  const database = `tributary_bench_${randomBytes(4).toString('hex')}`;
  psql('postgres', `CREATE DATABASE ${database}`);
  process.once('exit', () => {
    try {
      psql('postgres', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } catch {}
  });
  return database;
}

function fileToPostgres(name, mode, description) {
  return {
    name,
    description,
    referenceName: mode === 'append' ? 'psql-copy' : 'psql-copy-upsert',
    async setup() {
      try {
        psql('postgres', 'SELECT 1');
      } catch {
        return { skip: `no PostgreSQL reachable at ${HOST} as ${USER}` };
      }
      const dir = workdir(name);
      const csv = await orders(ROWS);
      const database = createDatabase();
      const ctx = { cwd: dir, rows: ROWS, csv, database, state: join(dir, 'state.db') };
      ctx.config = writeYaml(
        dir,
        ordersSync({
          csv,
          destination: DESTINATION,
          destinationConfig: { host: HOST, user: USER, database, schema: SCHEMA },
          mode,
          statePath: ctx.state,
        }),
      );
      if (mode === 'append_dedup') {
        // Both sides start from a table that already holds every id.
        await runOnce(ctx);
        psql(database, tableDdl('template', true));
        psql(database, `\\copy template (${NAMES}) FROM '${csv}' WITH (FORMAT csv, HEADER)`);
      }
      return ctx;
    },
    beforeReference(ctx) {
      psql(ctx.database, 'DROP TABLE IF EXISTS reference');
      if (mode === 'append') psql(ctx.database, tableDdl('reference', false));
      else {
        psql(ctx.database, 'CREATE TABLE reference AS TABLE template');
        psql(ctx.database, 'ALTER TABLE reference ADD PRIMARY KEY (id)');
      }
      psql(ctx.database, 'CHECKPOINT');
    },
    reference(ctx) {
      const from = `FROM '${ctx.csv}' WITH (FORMAT csv, HEADER)`;
      if (mode === 'append')
        return psqlScript(ctx.database, [`\\copy reference (${NAMES}) ${from}`]);
      const set = [...FIELDS.slice(1), ...METADATA.slice(0, 2)]
        .map(([n]) => `${n} = excluded.${n}`)
        .join(', ');
      return psqlScript(ctx.database, [
        'BEGIN;',
        `CREATE TEMP TABLE staging (${[...FIELDS, ...METADATA].map((c) => c.join(' '))});`,
        `\\copy staging (${NAMES}) ${from}`,
        `INSERT INTO reference SELECT * FROM staging ON CONFLICT (id) DO UPDATE SET ${set};`,
        'COMMIT;',
      ]);
    },
    beforeOurs(ctx) {
      for (const suffix of ['', '-wal', '-shm']) rmSync(ctx.state + suffix, { force: true });
      // append starts from an empty table; append_dedup keeps the table that holds every id.
      if (mode === 'append') psql(ctx.database, `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
      psql(ctx.database, 'CHECKPOINT');
    },
    ours(ctx) {
      return `${CLI} sync ${ctx.config}`;
    },
    verify(ctx) {
      const count = Number(psql(ctx.database, `SELECT count(*) FROM ${SCHEMA}.orders`));
      if (count !== ROWS) throw new Error(`${name}: expected ${ROWS} rows, found ${count}`);
    },
  };
}

async function runOnce(ctx) {
  const { measure } = await import('../measure.mjs');
  await measure(`${CLI} sync ${ctx.config}`, { cwd: ctx.cwd });
}

export const csvPostgresAppend = fileToPostgres(
  'csv-postgres-append',
  'append',
  '1,000,000-row orders CSV appended into an empty PostgreSQL table, against psql \\copy',
);
export const csvPostgresDedup = fileToPostgres(
  'csv-postgres-dedup',
  'append_dedup',
  'the same file with append_dedup on id onto a table holding every id, against psql \\copy into staging + INSERT … ON CONFLICT DO UPDATE',
);
