import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, orders, ordersSync, ROOT, workdir, writeYaml } from './shared.mjs';

const ROWS = 1_000_000;
const HOST = process.env.MYSQL_HOST ?? '127.0.0.1';
const USER = process.env.MYSQL_USER ?? 'root';
const DESTINATION = join(ROOT, 'connectors/destination-mysql/dist/index.js');

/** The CSV's fields in file order, with the column types our destination creates for them. */
const FIELDS = [
  ['id', 'BIGINT'],
  ['customer_id', 'BIGINT'],
  ['email', 'TEXT'],
  ['status', 'TEXT'],
  ['total_price', 'DECIMAL(22,2)'],
  ['currency', 'TEXT'],
  ['created_at', 'DATETIME(6)'],
  ['updated_at', 'DATETIME(6)'],
];
const METADATA = [
  ['_tributary_extracted_at', 'DATETIME(6)'],
  ['_tributary_sync_id', 'BIGINT'],
  ['_tributary_deleted_at', 'DATETIME(6)'],
];

/** `mariadb` client arguments; the password, if any, comes from MYSQL_PWD as the client reads it. */
function clientArgs(database) {
  return [`-h${HOST}`, `-u${USER}`, ...(database ? [database] : [])];
}

function sql(database, text) {
  return execFileSync('mariadb', [...clientArgs(database), '-N', '-B', '-e', text], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A fresh, empty database of the given name. */
function recreate(database) {
  sql(undefined, `DROP DATABASE IF EXISTS ${database}; CREATE DATABASE ${database}`);
}

/**
 * The CSV appended into MariaDB by `tributary sync` (source-file → destination-mysql), against
 * the `mariadb` client's LOAD DATA LOCAL INFILE of the same file into a table of the same
 * shape. Each side starts every run from its own empty database; both are dropped at exit.
 */
export const csvMysqlAppend = {
  name: 'csv-mysql-append',
  description:
    '1,000,000-row orders CSV appended into an empty MariaDB table, against mariadb LOAD DATA LOCAL INFILE',
  referenceName: 'mariadb-load-data',
  async setup() {
    try {
      sql(undefined, 'SELECT 1');
    } catch {
      return { skip: `no MariaDB/MySQL reachable at ${HOST} as ${USER} (mariadb client)` };
    }
    const dir = workdir('csv-mysql-append');
    const csv = await orders(ROWS);
    const suffix = randomBytes(4).toString('hex');
    const ctx = {
      cwd: dir,
      rows: ROWS,
      csv,
      database: `tributary_bench_${suffix}`,
      refDatabase: `tributary_bench_ref_${suffix}`,
      state: join(dir, 'state.db'),
    };
    process.once('exit', () => {
      for (const db of [ctx.database, ctx.refDatabase]) {
        try {
          sql(undefined, `DROP DATABASE IF EXISTS ${db}`);
        } catch {}
      }
    });
    ctx.config = writeYaml(
      dir,
      ordersSync({
        csv,
        destination: DESTINATION,
        destinationConfig: { host: HOST, user: USER, database: ctx.database },
        mode: 'append',
        statePath: ctx.state,
      }),
    );
    return ctx;
  },
  beforeReference(ctx) {
    recreate(ctx.refDatabase);
    const columns = [...FIELDS, ...METADATA].map(([n, t]) => `${n} ${t} NULL`).join(', ');
    sql(
      ctx.refDatabase,
      `CREATE TABLE orders (${columns}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    );
  },
  reference(ctx) {
    // The file's timestamps end in Z: DATETIME drops it (a warning per value) and keeps the
    // UTC time as written, the value our side stores.
    const load =
      `LOAD DATA LOCAL INFILE '${ctx.csv}' INTO TABLE orders ` +
      `CHARACTER SET utf8mb4 FIELDS TERMINATED BY ',' LINES TERMINATED BY '\\n' IGNORE 1 LINES ` +
      `(${FIELDS.map(([n]) => n).join(', ')})`;
    return `mariadb ${clientArgs(ctx.refDatabase).join(' ')} --local-infile=1 -e "${load}"`;
  },
  beforeOurs(ctx) {
    rmSync(ctx.state, { force: true });
    recreate(ctx.database);
  },
  ours(ctx) {
    return `${CLI} sync ${ctx.config}`;
  },
  verify(ctx) {
    const count = Number(sql(ctx.database, 'SELECT count(*) FROM orders'));
    if (count !== ROWS) throw new Error(`csv-mysql-append: expected ${ROWS} rows, found ${count}`);
    const ref = Number(sql(ctx.refDatabase, 'SELECT count(*) FROM orders'));
    if (ref !== ROWS) throw new Error(`csv-mysql-append: reference loaded ${ref} of ${ROWS} rows`);
    // Both sides hold the same values (as stored, so types and UTC times included).
    const columns = FIELDS.map(([n]) => n).join(', ');
    const sum = `SELECT SUM(CRC32(CONCAT_WS('|', ${columns}))) FROM orders`;
    const ours = sql(ctx.database, sum);
    const theirs = sql(ctx.refDatabase, sum);
    if (ours !== theirs) {
      throw new Error(
        `csv-mysql-append: row checksum ${ours} differs from the reference's ${theirs}`,
      );
    }
  },
};
