import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  CLI,
  ORDERS_SQLITE_COLUMNS,
  orders,
  ordersSync,
  sqlite,
  workdir,
  writeYaml,
} from './shared.mjs';

function fileToSqlite(name, rows, mode, description, onRequest = false) {
  return {
    name,
    description,
    onRequest,
    referenceName: mode === 'append' ? 'sqlite3-import' : 'sqlite3-import-upsert',
    async setup() {
      const dir = workdir(name);
      const csv = await orders(rows);
      const ctx = {
        cwd: dir,
        rows,
        csv,
        db: join(dir, 'warehouse.db'),
        refDb: join(dir, 'reference.db'),
        template: join(dir, 'template.db'),
        refTemplate: join(dir, 'reference-template.db'),
        state: join(dir, 'state.db'),
      };
      ctx.config = writeYaml(
        dir,
        ordersSync({
          csv,
          destination: '@tributary/destination-sqlite',
          destinationConfig: { path: ctx.db },
          mode,
          statePath: ctx.state,
        }),
      );
      if (mode === 'append_dedup') {
        // Both sides start from a table that already holds every id.
        await runOnce(ctx);
        copyFileSync(ctx.db, ctx.template);
        rmSync(ctx.state, { force: true });
        rmSync(ctx.refDb, { force: true });
        sqlite(ctx.refDb, `CREATE TABLE orders(${ORDERS_SQLITE_COLUMNS});`);
        sqlite(ctx.refDb, `.import --csv --skip 1 ${csv} orders`);
        copyFileSync(ctx.refDb, ctx.refTemplate);
      }
      return ctx;
    },
    beforeReference(ctx) {
      if (mode === 'append') {
        // append keeps every record: a plain table without a key, as our destination makes it.
        rmSync(ctx.refDb, { force: true });
        sqlite(
          ctx.refDb,
          `CREATE TABLE orders(${ORDERS_SQLITE_COLUMNS.replace(' PRIMARY KEY', '')});`,
        );
      } else {
        copyFileSync(ctx.refTemplate, ctx.refDb);
      }
    },
    reference(ctx) {
      if (mode === 'append')
        return `sqlite3 ${ctx.refDb} ".import --csv --skip 1 ${ctx.csv} orders"`;
      const columns = 'customer_id, email, status, total_price, currency, created_at, updated_at';
      const set = columns
        .split(', ')
        .map((c) => `${c} = excluded.${c}`)
        .join(', ');
      const script = [
        `CREATE TEMP TABLE staging(${ORDERS_SQLITE_COLUMNS.replace(' PRIMARY KEY', '')});`,
        `.import --csv --skip 1 ${ctx.csv} staging`,
        `INSERT INTO orders SELECT * FROM staging WHERE true ON CONFLICT(id) DO UPDATE SET ${set};`,
      ].join('\n');
      return `sqlite3 ${ctx.refDb} <<'SQL'\n${script}\nSQL`;
    },
    beforeOurs(ctx) {
      for (const suffix of ['', '-wal', '-shm']) {
        rmSync(ctx.db + suffix, { force: true });
        rmSync(ctx.state + suffix, { force: true });
      }
      if (mode === 'append_dedup') copyFileSync(ctx.template, ctx.db);
    },
    ours(ctx) {
      return `${CLI} sync ${ctx.config}`;
    },
    verify(ctx) {
      const count = Number(sqlite(ctx.db, 'SELECT count(*) FROM orders'));
      if (count !== rows) throw new Error(`${name}: expected ${rows} rows, found ${count}`);
    },
  };
}

async function runOnce(ctx) {
  const { measure } = await import('../measure.mjs');
  await measure(`${CLI} sync ${ctx.config}`, { cwd: ctx.cwd });
}

export const csvSqliteAppend = fileToSqlite(
  'csv-sqlite-append',
  1_000_000,
  'append',
  '1,000,000-row orders CSV appended into an empty SQLite table, against sqlite3 .import',
);
export const csvSqliteDedup = fileToSqlite(
  'csv-sqlite-dedup',
  1_000_000,
  'append_dedup',
  'the same file with append_dedup on id onto a table holding every id, against sqlite3 import + upsert',
);
export const csvSqlite10m = fileToSqlite(
  'csv-sqlite-10m',
  10_000_000,
  'append',
  '10,000,000 rows appended, to show memory does not grow with the input',
  true,
);
