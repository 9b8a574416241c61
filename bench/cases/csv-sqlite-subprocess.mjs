import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, orders, ordersSync, ROOT, sqlite, workdir, writeYaml } from './shared.mjs';

const ROWS = 1_000_000;
const SOURCE_BIN = join(ROOT, 'connectors/source-file/dist/bin.js');
const DESTINATION_BIN = join(ROOT, 'connectors/destination-sqlite/dist/bin.js');
// SQLite's page cache of the destination, on both sides. An append into a table without
// an index reads no page back, so the default 64 MiB only adds resident memory (~60 MiB
// here) and no speed: measured 6.9 s and 200 MiB at 64, 5.9 s and 137 MiB at 8.
const CACHE_SIZE_MB = 8;

/**
 * The csv-sqlite-append sync with both connectors run as child processes over the wire
 * protocol, against the same sync in process. Targets: at most 1.5x the in-process time,
 * and the peak RSS of every process of the sync added up under 256 MiB.
 */
export const csvSqliteSubprocess = {
  name: 'csv-sqlite-subprocess',
  description:
    '1,000,000-row orders CSV into SQLite with source and destination as child processes, against the same sync in process',
  referenceName: 'in-process',
  async setup() {
    const dir = workdir('csv-sqlite-subprocess');
    const csv = await orders(ROWS);
    const ctx = {
      cwd: dir,
      rows: ROWS,
      csv,
      db: join(dir, 'warehouse.db'),
      refDb: join(dir, 'reference.db'),
      state: join(dir, 'state.db'),
      refState: join(dir, 'reference-state.db'),
    };
    const sourceConfig = `      config:
        streams:
          - name: orders
            path: ${JSON.stringify(csv)}
            primary_key: [id]`;
    ctx.config = writeYaml(
      dir,
      ordersSync({
        csv,
        source: `      command: ["node", ${JSON.stringify(SOURCE_BIN)}]\n${sourceConfig}`,
        destination: 'unused',
        destinationConfig: { path: ctx.db, cache_size_mb: CACHE_SIZE_MB },
        mode: 'append',
        statePath: ctx.state,
      }).replace(
        '      package: "unused"',
        `      command: ["node", ${JSON.stringify(DESTINATION_BIN)}]`,
      ),
    );
    const refDir = join(dir, 'reference');
    workdirAt(refDir);
    ctx.refConfig = writeYaml(
      refDir,
      ordersSync({
        csv,
        destination: '@tributary/destination-sqlite',
        destinationConfig: { path: ctx.refDb, cache_size_mb: CACHE_SIZE_MB },
        mode: 'append',
        statePath: ctx.refState,
      }),
    );
    return ctx;
  },
  beforeReference(ctx) {
    clean(ctx.refDb, ctx.refState);
  },
  reference(ctx) {
    return `${CLI} sync ${ctx.refConfig}`;
  },
  beforeOurs(ctx) {
    clean(ctx.db, ctx.state);
  },
  ours(ctx) {
    return `${CLI} sync ${ctx.config}`;
  },
  verify(ctx) {
    const count = Number(sqlite(ctx.db, 'SELECT count(*) FROM orders'));
    if (count !== ROWS)
      throw new Error(`csv-sqlite-subprocess: expected ${ROWS} rows, found ${count}`);
  },
};

function workdirAt(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

function clean(...files) {
  for (const file of files) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }
}
