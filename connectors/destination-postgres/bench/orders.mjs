// Measures the destination against psql's \copy on a generated orders stream.
// Usage: node bench/orders.mjs [rows]   (build the package first; needs psql on PATH)
// Each measured step runs in a child process, so its peak RSS is its own.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOST = process.env.PGHOST ?? '127.0.0.1';
const USER = process.env.PGUSER ?? 'root';
const IS_CHILD = process.argv[2] === '--child';
const ROWS = Number((IS_CHILD ? process.argv[7] : process.argv[2]) ?? 1_000_000);
const BASE = Date.UTC(2024, 0, 1);
const STATUS = ['pending', 'paid', 'shipped', 'refunded'];
const FIELDS = [
  'id',
  'customer_id',
  'email',
  'status',
  'total_price',
  'currency',
  'created_at',
  'updated_at',
];
const SCHEMA = {
  id: { type: 'integer' },
  customer_id: { type: 'integer' },
  email: { type: 'string' },
  status: { type: 'string' },
  total_price: { type: 'string', format: 'decimal' },
  currency: { type: 'string' },
  created_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  updated_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
};

const days = new Map();
/** ISO text of BASE + ms, formatted by hand per second: the source's cost stays small. */
function iso(ms) {
  const day = Math.floor(ms / 86_400_000);
  let prefix = days.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * 86_400_000).toISOString().slice(0, 11);
    days.set(day, prefix);
  }
  const s = Math.floor((ms % 86_400_000) / 1000);
  const two = (n) => (n < 10 ? `0${n}` : `${n}`);
  return `${prefix}${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}.000Z`;
}

/** Order `id` of pass `pass`: a later pass changes status and updated_at of every order. */
function order(id, pass) {
  const customer = id % 50_000;
  return {
    id,
    customer_id: customer,
    email: `customer${customer}@example.com`,
    status: STATUS[(id + pass) % 4],
    total_price: `${Math.floor((id % 100_000) / 100)}.${String(id % 100).padStart(2, '0')}`,
    currency: id % 3 === 0 ? 'USD' : 'EUR',
    created_at: iso(BASE + id * 1000),
    updated_at: iso(BASE + id * 1000 + pass * 86_400_000),
  };
}

function catalog(mode) {
  return {
    streams: [
      {
        stream: {
          name: 'orders',
          json_schema: { type: 'object', properties: SCHEMA },
          supported_sync_modes: ['incremental'],
        },
        sync_mode: 'incremental',
        destination_sync_mode: mode,
        primary_key: [['id']],
        cursor_field: ['updated_at'],
        sync_id: 1,
      },
    ],
  };
}

async function* messages(pass) {
  for (let id = 1; id <= ROWS; id++) {
    yield { type: 'RECORD', record: { stream: 'orders', data: order(id, pass), emitted_at: BASE } };
    if (id % 100_000 === 0 || id === ROWS) {
      yield {
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: id } },
        },
      };
    }
  }
}

/** Child: one destination run; prints its time and peak RSS as JSON. */
async function child(database, schema, mode, pass) {
  const { destination } = await import('../dist/index.js');
  const ctx = {
    signal: new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const config = { host: HOST, database, user: USER, schema };
  const started = process.hrtime.bigint();
  for await (const _ of destination.write(config, catalog(mode), messages(pass), ctx));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { Client } = (await import('pg')).default;
  const check = new Client({ host: HOST, database, user: USER });
  await check.connect();
  const count = await check.query(`SELECT count(*)::int AS n FROM ${schema}.orders`);
  await check.end();
  if (count.rows[0].n !== ROWS) throw new Error(`expected ${ROWS} rows, found ${count.rows[0].n}`);
  process.stdout.write(
    JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }),
  );
}

function psql(database, ...args) {
  return execFileSync(
    'psql',
    ['-h', HOST, '-U', USER, '-d', database, '-v', 'ON_ERROR_STOP=1', '-q', ...args],
    {
      encoding: 'utf8',
    },
  );
}

function timed(work) {
  const started = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function runChild(database, schema, mode, pass) {
  const self = fileURLToPath(import.meta.url);
  const out = spawnSync(
    process.execPath,
    [self, '--child', database, schema, mode, String(pass), String(ROWS)],
    {
      encoding: 'utf8',
    },
  );
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
}

/** The same rows in COPY text form, as psql's \copy reads them. */
async function writeFile(path, pass) {
  const file = createWriteStream(path);
  for (let id = 1; id <= ROWS; id++) {
    const o = order(id, pass);
    const line = `${FIELDS.map((f) => o[f]).join('\t')}\t${new Date(BASE).toISOString()}\t1\n`;
    if (!file.write(line)) await new Promise((r) => file.once('drain', r));
  }
  await new Promise((r) => file.end(r));
}

const TABLE_DDL = `(id bigint, customer_id bigint, email text, status text, total_price numeric,
  currency text, created_at timestamptz, updated_at timestamptz, _tributary_extracted_at timestamptz,
  _tributary_sync_id bigint, _tributary_deleted_at timestamptz)`;
const COLUMNS = `${FIELDS.join(', ')}, _tributary_extracted_at, _tributary_sync_id`;

async function main() {
  const database = `tributary_bench_${randomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  psql('postgres', '-c', `CREATE DATABASE ${database}`);
  try {
    const pass0 = join(dir, 'pass0.tsv');
    const pass1 = join(dir, 'pass1.tsv');
    await writeFile(pass0, 0);
    await writeFile(pass1, 1);

    const copyBaseline = timed(() =>
      psql(
        database,
        '-c',
        `CREATE TABLE copy_baseline ${TABLE_DDL}`,
        '-c',
        `\\copy copy_baseline (${COLUMNS}) FROM '${pass0}'`,
      ),
    );
    const append = runChild(database, 'bench_append', 'append', 0);

    // Dedup onto a table that already holds every key; every row changes (status, updated_at).
    runChild(database, 'bench_dedup', 'append_dedup', 0);
    const dedup = runChild(database, 'bench_dedup', 'append_dedup', 1);
    psql(
      database,
      '-c',
      `CREATE TABLE upsert_baseline ${TABLE_DDL.replace('id bigint,', 'id bigint PRIMARY KEY,')}`,
      '-c',
      `\\copy upsert_baseline (${COLUMNS}) FROM '${pass0}'`,
    );
    const set = FIELDS.slice(1)
      .concat('_tributary_extracted_at', '_tributary_sync_id')
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ');
    const upsertBaseline = timed(() =>
      psql(
        database,
        '-c',
        `BEGIN; CREATE TEMP TABLE stg ${TABLE_DDL};`,
        '-c',
        `\\copy stg (${COLUMNS}) FROM '${pass1}'`,
        '-c',
        `INSERT INTO upsert_baseline (${COLUMNS}) SELECT ${COLUMNS} FROM stg ON CONFLICT (id) DO UPDATE SET ${set}; COMMIT;`,
      ),
    );
    const report = {
      rows: ROWS,
      append: {
        seconds: append.seconds,
        psqlCopySeconds: copyBaseline,
        ratio: append.seconds / copyBaseline,
        maxRssMiB: append.maxRssMiB,
      },
      appendDedup: {
        seconds: dedup.seconds,
        stagedUpsertSeconds: upsertBaseline,
        ratio: dedup.seconds / upsertBaseline,
        maxRssMiB: dedup.maxRssMiB,
      },
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    psql('postgres', '-c', `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

if (IS_CHILD) {
  await child(process.argv[3], process.argv[4], process.argv[5], Number(process.argv[6]));
} else {
  await main();
}
