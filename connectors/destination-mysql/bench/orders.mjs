#!/usr/bin/env node
// Appends N generated orders rows through the destination and compares the time with the
// `mariadb` client's LOAD DATA LOCAL INFILE of the same rows as CSV. Needs `pnpm build` first.
// Usage: node bench/orders.mjs [rows]   (default 1,000,000; MariaDB at 127.0.0.1:3306, root)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { destination } from '../dist/index.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const STATE_EVERY = 100_000;
const STATUSES = ['pending', 'paid', 'shipped', 'refunded'];
const CURRENCIES = ['EUR', 'USD', 'GBP'];
const BASE = Date.UTC(2024, 0, 1);

/** The i-th order, the same every run. */
function order(i) {
  const created = new Date(BASE + i * 1000).toISOString();
  const updated = new Date(BASE + i * 1000 + 3_600_000).toISOString();
  return {
    id: i + 1,
    customer_id: (i * 7919) % 100_000,
    email: `customer${(i * 7919) % 100_000}@example.com`,
    status: STATUSES[i % 4],
    total_price: `${(i % 100_000) + 1}.${String(i % 100).padStart(2, '0')}`,
    currency: CURRENCIES[i % 3],
    created_at: created,
    updated_at: updated,
  };
}

const schema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    customer_id: { type: 'integer' },
    email: { type: 'string' },
    status: { type: 'string' },
    total_price: { type: 'string', format: 'decimal' },
    currency: { type: 'string' },
    created_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
    updated_at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
  },
};

async function* messages() {
  for (let i = 0; i < ROWS; i++) {
    yield { type: 'RECORD', record: { stream: 'orders', data: order(i), emitted_at: BASE } };
    if ((i + 1) % STATE_EVERY === 0 || i + 1 === ROWS) {
      yield {
        type: 'STATE',
        state: {
          type: 'STREAM',
          stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: i + 1 } },
        },
      };
    }
  }
}

async function reference(db, dir) {
  const file = join(dir, 'orders.csv');
  const out = createWriteStream(file);
  for (let i = 0; i < ROWS; i++) {
    const o = order(i);
    const line = [
      o.id,
      o.customer_id,
      o.email,
      o.status,
      o.total_price,
      o.currency,
      o.created_at.replace('T', ' ').replace('Z', ''),
      o.updated_at.replace('T', ' ').replace('Z', ''),
    ];
    if (!out.write(`${line.join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const sql = [
    "SET time_zone = '+00:00'",
    `CREATE TABLE ref_orders (id BIGINT, customer_id BIGINT, email TEXT, status TEXT,
      total_price DECIMAL(22,2), currency TEXT, created_at DATETIME(6), updated_at DATETIME(6))
      DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `LOAD DATA LOCAL INFILE '${file}' INTO TABLE ref_orders CHARACTER SET utf8mb4
      FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n'`,
  ].join(';');
  const start = process.hrtime.bigint();
  execFileSync('mariadb', ['-h127.0.0.1', '-uroot', '--local-infile=1', db, '-e', sql]);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const db = `tributary_bench_${randomBytes(4).toString('hex')}`;
const admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
await admin.query(`CREATE DATABASE ${db}`);
const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
try {
  const refSeconds = await reference(db, dir);
  const config = { host: '127.0.0.1', port: 3306, user: 'root', password: '', database: db };
  const catalog = {
    streams: [
      {
        stream: { name: 'orders', json_schema: schema, supported_sync_modes: ['full_refresh'] },
        sync_mode: 'full_refresh',
        destination_sync_mode: 'append',
      },
    ],
  };
  const ctx = {
    signal: new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const genStart = process.hrtime.bigint();
  for await (const m of messages()) if (m.type === 'STATE') void m;
  const generateSeconds = Number(process.hrtime.bigint() - genStart) / 1e9;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  let states = 0;
  for await (const m of destination.write(config, catalog, messages(), ctx)) {
    if (m.type === 'STATE') states++;
  }
  const ourSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  await admin.query(`ALTER TABLE ${db}.ref_orders ADD PRIMARY KEY (id)`);
  const [[count]] = await admin.query(`SELECT COUNT(*) AS n FROM ${db}.orders`);
  const [[same]] = await admin.query(
    `SELECT COUNT(*) AS n FROM ${db}.orders o JOIN ${db}.ref_orders r USING (id)
      WHERE o.total_price = r.total_price AND o.created_at = r.created_at AND o.email = r.email`,
  );
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    JSON.stringify({
      rows: ROWS,
      loaded: Number(count.n),
      matching_reference: Number(same.n),
      states,
      reference_seconds: Number(refSeconds.toFixed(2)),
      destination_seconds: Number(ourSeconds.toFixed(2)),
      ratio: Number((ourSeconds / refSeconds).toFixed(2)),
      generate_only_seconds: Number(generateSeconds.toFixed(2)),
      destination_cpu_seconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      load_average: (await import('node:os')).loadavg()[0].toFixed(1),
      peak_rss_mib: Math.round(rssMiB),
    }),
  );
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${db}`);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
