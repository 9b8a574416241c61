import { fileURLToPath } from 'node:url';
import { commandDestination, describeDestinationAcceptance } from '@tributary/testing';
import pg from 'pg';
import { afterAll, describe } from 'vitest';
import { destination } from '../src/index.js';
import { createTestDatabase, HOST, PORT, serverUser, type TestDatabase } from './helpers/pg.js';

// The acceptance suite of @tributary/testing against this connector, in process and through
// its built bin (run `pnpm --filter @tributary/destination-postgres build` first). Each block
// gets its own database, dropped at the end.

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const databases: TestDatabase[] = [];
afterAll(async () => {
  for (const db of databases) await db.drop();
});

const INT8 = 20;

async function freshConfig() {
  const db = await createTestDatabase();
  databases.push(db);
  return db.config;
}

/** Every row of a table, integers as numbers (the suite's `integer` fields land in bigint). */
async function readTable(config: unknown, table: string) {
  const client = new pg.Client({
    ...(config as TestDatabase['config']),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) as never,
    },
  });
  await client.connect();
  try {
    const result = await client.query(`SELECT * FROM public."${table.replaceAll('"', '""')}"`);
    return result.rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

const common = {
  invalidConfig: {
    config: { host: 5, database: '', user: 'x', ssl_mode: 'sometimes' },
    fields: ['config.host', 'config.database', 'config.ssl_mode'],
  },
  failingConfigs: [
    {
      name: 'a missing database',
      config: {
        host: HOST,
        port: PORT,
        user: serverUser ?? 'postgres',
        database: 'tributary_no_db',
      },
      kind: 'other' as const,
    },
    {
      name: 'a user the server does not know',
      config: {
        host: HOST,
        port: PORT,
        user: 'tributary_nobody',
        password: 'wrong',
        database: 'postgres',
      },
      kind: 'credentials' as const,
    },
    {
      name: 'a port nobody listens on',
      config: { host: HOST, port: 1, user: serverUser ?? 'postgres', database: 'x' },
      kind: 'unreachable' as const,
    },
  ],
  readTable,
};

describe.skipIf(!serverUser)('acceptance', () => {
  describeDestinationAcceptance({
    name: 'destination-postgres (in process)',
    connector: destination,
    config: freshConfig,
    ...common,
  });

  describeDestinationAcceptance({
    name: 'destination-postgres (bin)',
    connector: commandDestination(bin),
    config: freshConfig,
    ...common,
  });
});
