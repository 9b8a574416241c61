import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ordersCsv } from '../generate.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = join(ROOT, 'bench/.cache');
export const CLI = `node ${join(ROOT, 'apps/runner/dist/bin.js')}`;

/** A fresh working folder for a case, under the cache. */
export function workdir(name) {
  const dir = join(CACHE, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The orders CSV of `rows` rows, generated once and cached. */
export function orders(rows) {
  return ordersCsv(join(CACHE, `orders-${rows}.csv`), rows);
}

export function writeYaml(dir, text) {
  const path = join(dir, 'tributary.yaml');
  writeFileSync(path, text);
  return path;
}

/** The SQL column list of the orders table as sqlite3 and our destination both hold it. */
export const ORDERS_SQLITE_COLUMNS =
  'id INTEGER PRIMARY KEY, customer_id INTEGER, email TEXT, status TEXT, total_price TEXT, ' +
  'currency TEXT, created_at TEXT, updated_at TEXT';

export function sqlite(db, sql) {
  return execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();
}

/** A file-to-file sync config: the orders CSV into a destination, one stream. */
export function ordersSync({ csv, destination, destinationConfig, mode, statePath, source }) {
  const sourceBlock =
    source ??
    `      package: "@tributary/source-file"
      config:
        streams:
          - name: orders
            path: ${JSON.stringify(csv)}
            primary_key: [id]`;
  return `state:
  path: ${JSON.stringify(statePath)}
syncs:
  - name: bench
    source:
${sourceBlock}
    destination:
      package: "${destination}"
      config: ${JSON.stringify(destinationConfig)}
    streams:
      - name: orders
        destination_sync_mode: ${mode}
        primary_key: [[id]]
`;
}
