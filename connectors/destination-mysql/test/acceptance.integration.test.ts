import { fileURLToPath } from 'node:url';
import { commandDestination, describeDestinationAcceptance } from '@tributary/testing';
import mysql from 'mysql2/promise';
import { afterAll, describe } from 'vitest';
import { destination } from '../src/index.js';
import { createTestDatabase, SERVER, serverUp, type TestDatabase } from './helpers/db.js';

// The acceptance suite of @tributary/testing against this connector, in process and through
// its built bin (run `pnpm --filter @tributary/destination-mysql build` first). Each block
// gets its own database, dropped at the end.

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

async function freshConfig() {
  const db = await createTestDatabase();
  databases.push(db);
  return db.config;
}

/** Every row of a table; the suite's small integers come back as JS numbers. */
async function readTable(config: unknown, table: string) {
  const conn = await mysql.createConnection({
    ...(config as TestDatabase['config']),
    charset: 'utf8mb4_bin',
    dateStrings: true,
  });
  try {
    const [rows] = await conn.query(`SELECT * FROM \`${table.replaceAll('`', '``')}\``);
    return rows as Array<Record<string, unknown>>;
  } finally {
    await conn.end();
  }
}

const common = {
  invalidConfig: {
    config: { host: 5, database: '', load_method: 'carrier_pigeon' },
    fields: ['config.host', 'config.database', 'config.load_method'],
  },
  failingConfigs: [
    {
      name: 'a port nobody listens on',
      config: { host: '127.0.0.1', port: 1, database: 'test' },
      kind: 'unreachable' as const,
    },
    {
      name: 'a refused password',
      config: {
        host: SERVER.host,
        port: SERVER.port,
        user: 'tributary_nobody',
        password: 'wrong',
        database: 'test',
      },
      kind: 'credentials' as const,
    },
  ],
  readTable,
};

describe.skipIf(!serverUp)('acceptance', () => {
  describeDestinationAcceptance({
    name: 'destination-mysql (in process)',
    connector: destination,
    config: freshConfig,
    ...common,
  });

  describeDestinationAcceptance({
    name: 'destination-mysql (bin)',
    connector: commandDestination(bin),
    config: freshConfig,
    ...common,
  });
});
