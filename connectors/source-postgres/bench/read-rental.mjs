// Measures how fast this source reads pagila's rental table, against `COPY rental TO STDOUT`
// (the server's fastest way out) as the ceiling. Run after `pnpm build`:
//   node bench/read-rental.mjs            (rental as is, 16,044 rows)
//   BENCH_SCALE=20 node bench/read-rental.mjs   (rental copied 20 times over, 320,880 rows)
// It creates a database tributary_src_bench_<random>, loads the pagila fixture and drops it.
// The destination side (copying into another database) waits for destination-postgres.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { source } from '../dist/index.js';

const host = process.env.PGHOST ?? '127.0.0.1';
const port = Number(process.env.PGPORT ?? 5432);
const user = process.env.PGUSER ?? 'postgres';
const scale = Number(process.env.BENCH_SCALE ?? 1);
const fixtures = fileURLToPath(new URL('../test/fixtures/pagila/', import.meta.url));
const database = `tributary_src_bench_${randomBytes(4).toString('hex')}`;
const psql = (args) =>
  execFileSync(
    'psql',
    ['-h', host, '-p', String(port), '-U', user, '-v', 'ON_ERROR_STOP=1', ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 30,
    },
  );

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = { signal: new AbortController().signal, logger: silent };

async function timed(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

async function readThroughSource(catalog, syncMode, fetchSize) {
  const configured = {
    streams: [
      {
        stream: catalog.streams.find((s) => s.name === 'rental'),
        sync_mode: syncMode,
        destination_sync_mode: 'append',
        cursor_field: ['rental_id'],
      },
    ],
  };
  const config = { host, port, user, database, fetch_size: fetchSize, checkpoint_interval: 10_000 };
  let records = 0;
  for await (const m of source.read(config, configured, [], ctx)) {
    if (m.type === 'RECORD') records++;
  }
  return records;
}

const admin = new pg.Client({ host, port, user, database: 'postgres' });
await admin.connect();
await admin.query(`CREATE DATABASE ${database}`);
try {
  psql(['-d', database, '-q', '-f', `${fixtures}pagila-schema.sql`]);
  psql(['-d', database, '-q', '-f', `${fixtures}pagila-data.sql`]);
  if (scale > 1) {
    // More rows of the same shape: new ids, same values otherwise.
    psql([
      '-d',
      database,
      '-q',
      '-c',
      `ALTER TABLE rental DISABLE TRIGGER ALL;
       INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date,
         staff_id, last_update)
       SELECT rental_id + 100000 * k, rental_date + make_interval(secs => k), inventory_id,
         customer_id, return_date, staff_id, last_update
       FROM rental, generate_series(1, ${scale - 1}) k;`,
      '-c',
      'VACUUM ANALYZE rental',
    ]);
  }
  const catalog = await source.discover({ host, port, user, database }, ctx);

  const copy = await timed(() => psql(['-d', database, '-c', 'COPY rental TO STDOUT']));
  const copyRows = copy.result.toString().split('\n').length - 1;
  const rows = [];
  rows.push({ reader: 'COPY rental TO STDOUT (psql)', rows: copyRows, ms: copy.ms });
  for (const [mode, fetch] of [
    ['full_refresh', 5000],
    ['incremental', 5000],
    ['incremental', 1000],
  ]) {
    const run = await timed(() => readThroughSource(catalog, mode, fetch));
    rows.push({ reader: `source ${mode}, fetch_size ${fetch}`, rows: run.result, ms: run.ms });
  }
  for (const r of rows) {
    const perSecond = Math.round((r.rows / r.ms) * 1000);
    process.stdout.write(
      `${r.reader.padEnd(40)} ${String(r.rows).padStart(8)} rows ${r.ms.toFixed(0).padStart(7)} ms ` +
        `${String(perSecond).padStart(9)} rows/s\n`,
    );
  }
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.end();
}
