// Measures the destination against `sqlite3 .import` on a generated CSV of N orders.
// Usage: node bench/run.mjs [rows=1000000]   (build first: pnpm build). Writes into a temp dir.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { silentLogger } from '@tributary/core';
import { destination } from '../dist/index.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'tributary-sqlite-bench-'));
const csv = join(dir, 'orders.csv');
const ctx = { signal: new AbortController().signal, logger: silentLogger };
const STATE_EVERY = 50_000;
// Extra destination config, e.g. BENCH_CONFIG='{"rows_per_statement":100}'.
const extra = JSON.parse(process.env.BENCH_CONFIG ?? '{}');

async function generate() {
  const out = createWriteStream(csv);
  const statuses = ['paid', 'pending', 'refunded', 'shipped'];
  out.write('id,customer_id,email,status,total_price,currency,created_at,updated_at\n');
  const base = Date.UTC(2024, 0, 1);
  for (let i = 1; i <= rows; i++) {
    const created = new Date(base + i * 1000).toISOString().replace('.000Z', 'Z');
    const updated = new Date(base + i * 1000 + 3_600_000).toISOString().replace('.000Z', 'Z');
    const price = `${(i * 37) % 100000}.${String(i % 100).padStart(2, '0')}`;
    const line = `${i},${(i * 7919) % 50000},user${i}@example.com,${statuses[i % 4]},${price},EUR,${created},${updated}\n`;
    if (!out.write(line)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

const tstz = { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' };
const schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    customer_id: { type: 'integer' },
    email: { type: 'string' },
    status: { type: 'string' },
    total_price: { type: 'string', format: 'decimal' },
    currency: { type: 'string' },
    created_at: tstz,
    updated_at: tstz,
  },
};

/** The records a CSV source would emit: typed values, a STATE every 50,000 records. */
async function* messages(shift = '') {
  const lines = createInterface({
    input: createReadStream(csv),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  const emittedAt = Date.now();
  for await (const line of lines) {
    if (n++ === 0) continue;
    const f = line.split(',');
    const data = {
      id: Number(f[0]),
      customer_id: Number(f[1]),
      email: f[2],
      status: f[3],
      total_price: f[4],
      currency: f[5],
      created_at: f[6],
      updated_at: shift ? f[7].replace('2024', shift) : f[7],
    };
    yield { type: 'RECORD', record: { stream: 'orders', data, emitted_at: emittedAt } };
    if ((n - 1) % STATE_EVERY === 0)
      yield {
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: data.id } },
        },
      };
  }
}

async function ours(path, mode, shift) {
  const catalog = {
    streams: [
      {
        stream: { name: 'orders', json_schema: schema, supported_sync_modes: ['incremental'] },
        sync_mode: 'incremental',
        destination_sync_mode: mode,
        primary_key: [['id']],
        cursor_field: ['updated_at'],
      },
    ],
  };
  const started = performance.now();
  for await (const _ of destination.write({ path, ...extra }, catalog, messages(shift), ctx));
  return (performance.now() - started) / 1000;
}

function sqlite(path, ...commands) {
  const started = performance.now();
  execFileSync('sqlite3', [path, ...commands]);
  return (performance.now() - started) / 1000;
}

const fmt = (s) => `${s.toFixed(2)} s`;
try {
  await generate();
  const importDb = join(dir, 'import.db');
  const importS = sqlite(
    importDb,
    'PRAGMA journal_mode=WAL;',
    '.mode csv',
    `.import ${csv} orders`,
  );
  const appendS = await ours(join(dir, 'append.db'), 'append');
  console.log(
    `append ${rows} rows: sqlite3 .import ${fmt(importS)}, destination ${fmt(appendS)} (x${(appendS / importS).toFixed(2)})`,
  );

  if (process.env.BENCH_ONLY !== 'append') await dedup();
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function dedup() {
  // Dedup onto a table that holds every id already, every row changed (later updated_at).
  const dedupDb = join(dir, 'dedup.db');
  await ours(dedupDb, 'append_dedup');
  const dedupS = await ours(dedupDb, 'append_dedup', '2025');
  const stagedDb = join(dir, 'staged.db');
  sqlite(
    stagedDb,
    'PRAGMA journal_mode=WAL;',
    '.mode csv',
    `.import ${csv} orders`,
    'CREATE UNIQUE INDEX k ON orders (id);',
  );
  const stagedS = sqlite(
    stagedDb,
    '.mode csv',
    `.import ${csv} staging`,
    "INSERT INTO orders SELECT id, customer_id, email, status, total_price, currency, created_at, replace(updated_at, '2024', '2025') FROM staging WHERE true ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, email = excluded.email, status = excluded.status, total_price = excluded.total_price, currency = excluded.currency, created_at = excluded.created_at, updated_at = excluded.updated_at WHERE excluded.updated_at >= orders.updated_at;",
  );
  console.log(
    `dedup ${rows} rows onto ${rows}: staged INSERT…ON CONFLICT ${fmt(stagedS)}, destination ${fmt(dedupS)} (x${(dedupS / stagedS).toFixed(2)})`,
  );
}
