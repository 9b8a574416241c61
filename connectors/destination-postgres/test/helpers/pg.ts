import { randomBytes } from 'node:crypto';
import { postgresTestServer } from '@tributary/testing';
import pg from 'pg';

/** Where the tests find the server: libpq's variables override the defaults (root README). */
export const serverFromEnv = postgresTestServer;

const SERVER = serverFromEnv(process.env);
export const HOST = SERVER.host;
export const PORT = SERVER.port;
const PASSWORD = SERVER.password;
const USERS = SERVER.users;

/** Connection settings for `user` on `database`, with the password when one is set. */
function login(user: string, database: string) {
  return {
    host: HOST,
    port: PORT,
    database,
    user,
    ...(PASSWORD === undefined ? {} : { password: PASSWORD }),
  };
}

/** The first of the users that the server accepts, or undefined. */
async function probeUser(): Promise<string | undefined> {
  for (const user of USERS) {
    const client = new pg.Client({ ...login(user, 'postgres'), connectionTimeoutMillis: 3000 });
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

/** The server's settings for a database, as a destination config takes them. */
export function serverConfig(database: string): {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
} {
  return login(serverUser!, database);
}

/** A database made for one test file, with a client on it and a drop at the end. */
export interface TestDatabase {
  name: string;
  config: ReturnType<typeof serverConfig>;
  client: pg.Client;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tributary_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client(serverConfig('postgres'));
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const config = serverConfig(name);
  const client = new pg.Client(config);
  await client.connect();
  await client.query("SET TimeZone TO 'UTC'");
  return {
    name,
    config,
    client,
    async drop() {
      await client.end();
      const again = new pg.Client(serverConfig('postgres'));
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}
