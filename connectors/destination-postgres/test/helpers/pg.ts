import { randomBytes } from 'node:crypto';
import pg from 'pg';

const HOST = '127.0.0.1';
const PORT = 5432;

/** The first of the usual trust users that the local server accepts, or undefined. */
async function probeUser(): Promise<string | undefined> {
  for (const user of ['root', 'postgres']) {
    const client = new pg.Client({
      host: HOST,
      port: PORT,
      user,
      database: 'postgres',
      connectionTimeoutMillis: 3000,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.end();
      return user;
    } catch {
      await client.end().catch(() => {});
    }
  }
  return undefined;
}

/** The user to test with; throws under CI=true when no server answers. */
export const serverUser = await probeUser();
if (!serverUser) {
  if (process.env.CI === 'true') throw new Error(`PostgreSQL not reachable at ${HOST}:${PORT}`);
  console.warn(`skipping PostgreSQL tests: no server at ${HOST}:${PORT}`);
}

/** A database made for one test file, with a client on it and a drop at the end. */
export interface TestDatabase {
  name: string;
  config: { host: string; port: number; database: string; user: string };
  client: pg.Client;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const user = serverUser!;
  const name = `tributary_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ host: HOST, port: PORT, user, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const config = { host: HOST, port: PORT, database: name, user };
  const client = new pg.Client(config);
  await client.connect();
  await client.query("SET TimeZone TO 'UTC'");
  return {
    name,
    config,
    client,
    async drop() {
      await client.end();
      const again = new pg.Client({ host: HOST, port: PORT, user, database: 'postgres' });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
