import { fileURLToPath } from 'node:url';
import { commandSource, describeSourceAcceptance } from '@tributary/testing';
import { afterAll, describe } from 'vitest';
import {
  configFor,
  createDatabase,
  dropDatabase,
  HOST,
  PORT,
  serverOrSkip,
  source,
  sql,
} from './helpers.js';

// The acceptance suite of @tributary/testing against this connector, in process and through
// its built bin (run `pnpm --filter @tributary/source-postgres build` first). Each block gets
// its own database, dropped at the end.

const user = await serverOrSkip('acceptance.integration.test.ts');
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const databases: string[] = [];
afterAll(async () => {
  for (const db of databases) await dropDatabase(user as string, db);
});

const ORDERS = `CREATE TABLE orders (
    id integer PRIMARY KEY,
    amount numeric(10, 2) NOT NULL,
    updated_at timestamptz NOT NULL
  );
  INSERT INTO orders VALUES
    (1, 10.50, '2024-03-01 08:00:00.123456+00'),
    (2, 3.25, '2024-03-02 08:00:00+00'),
    (3, 4.00, '2024-03-02 08:00:00+00');`;

function fixture() {
  let db = '';
  const config = async () => {
    db = await createDatabase(user as string);
    databases.push(db);
    await sql(user as string, db, ORDERS);
    // A checkpoint every 2 records, so a first read gives more than one STATE.
    return configFor(user as string, db, {
      cursor_fields: { orders: 'updated_at' },
      checkpoint_interval: 2,
    });
  };
  const mutate = {
    // One record sharing the last cursor value, one past it, and order 1 changed.
    async changeSource() {
      await sql(
        user as string,
        db,
        `INSERT INTO orders VALUES (4, 1.00, '2024-03-02 08:00:00+00'),
          (5, 7.75, '2024-03-03 09:30:00.5+00');
        UPDATE orders SET amount = 12.00, updated_at = '2024-03-04 10:00:00+00' WHERE id = 1`,
      );
      return {
        orders: [
          { id: 4, amount: '1.00', updated_at: '2024-03-02T08:00:00.000000Z' },
          { id: 5, amount: '7.75', updated_at: '2024-03-03T09:30:00.500000Z' },
          { id: 1, amount: '12.00', updated_at: '2024-03-04T10:00:00.000000Z' },
        ],
      };
    },
  };
  return { config, mutate };
}

const common = {
  invalidConfig: {
    config: { host: 5, database: '', user: 'x', fetch_size: 0 },
    fields: ['config.host', 'config.database', 'config.fetch_size'],
  },
  failingConfigs: [
    {
      name: 'a missing database',
      config: {
        host: HOST,
        port: PORT,
        user: user ?? 'postgres',
        database: 'tributary_no_such_db',
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
      config: { host: HOST, port: 1, user: user ?? 'postgres', database: 'postgres' },
      kind: 'unreachable' as const,
    },
  ],
  expectedPrimaryKeys: { orders: [['id']] },
  expectedRecords: {
    orders: [
      { id: 1, amount: '10.50', updated_at: '2024-03-01T08:00:00.123456Z' },
      { id: 2, amount: '3.25', updated_at: '2024-03-02T08:00:00.000000Z' },
      { id: 3, amount: '4.00', updated_at: '2024-03-02T08:00:00.000000Z' },
    ],
  },
};

describe.skipIf(!user)('acceptance', () => {
  const inProcess = fixture();
  describeSourceAcceptance({
    name: 'source-postgres (in process)',
    connector: source,
    ...common,
    config: inProcess.config,
    mutate: inProcess.mutate,
  });

  const outOfProcess = fixture();
  describeSourceAcceptance({
    name: 'source-postgres (bin)',
    connector: commandSource(bin),
    ...common,
    config: outOfProcess.config,
    mutate: outOfProcess.mutate,
  });
});
