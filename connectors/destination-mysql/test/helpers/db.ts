import { randomBytes } from 'node:crypto';
import { mysqlTestServer } from '@tributary/testing';
import mysql, { type Connection } from 'mysql2/promise';

/** Where the test server is: the machine's MariaDB unless MYSQL_* variables say otherwise. */
export const serverFromEnv = mysqlTestServer;

/** The server every test connects to. */
export const SERVER = serverFromEnv();
const { host: HOST, port: PORT } = SERVER;

async function reachable(): Promise<boolean> {
  try {
    const conn = await mysql.createConnection({ ...SERVER, connectTimeout: 3000 });
    await conn.end();
    return true;
  } catch {
    return false;
  }
}

/** Whether the MariaDB of the machine answers; under CI=true a missing server fails. */
export const serverUp = await reachable();
if (!serverUp) {
  if (process.env.CI === 'true') throw new Error(`MariaDB not reachable at ${HOST}:${PORT}`);
  console.warn(`skipping MySQL tests: no server at ${HOST}:${PORT}`);
}

/** A database made for one test file, with a connection on it and a drop at the end. */
export interface TestDatabase {
  name: string;
  config: { host: string; port: number; database: string; user: string; password: string };
  conn: Connection;
  rows(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `tributary_test_${randomBytes(6).toString('hex')}`;
  const admin = await mysql.createConnection(SERVER);
  await admin.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  await admin.end();
  const conn = await mysql.createConnection({
    ...SERVER,
    database: name,
    charset: 'utf8mb4_bin',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await conn.query("SET time_zone = '+00:00'");
  return {
    name,
    config: { ...SERVER, database: name },
    conn,
    async rows(sql, params = []) {
      const [rows] = await conn.query(sql, params);
      return rows as Record<string, unknown>[];
    },
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS ${name}`);
      await conn.end();
    },
  };
}
