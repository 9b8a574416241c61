import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

// PostgreSQL for the end-to-end tests: which trust user answers, fresh databases, pagila.

// PGHOST, PGPORT, PGUSER and PGPASSWORD override the defaults, as the root README says.
export const PG_HOST = process.env.PGHOST || '127.0.0.1';
export const PG_PORT = Number(process.env.PGPORT || 5432);
/** Unset for trust auth; psql and the connectors' driver read PGPASSWORD themselves too. */
const PG_PASSWORD = process.env.PGPASSWORD || undefined;

/** Connection settings for `user` on `database`, with the password when one is set. */
function login(user: string, database: string): pg.ClientConfig {
  const password = PG_PASSWORD === undefined ? {} : { password: PG_PASSWORD };
  return { host: PG_HOST, port: PG_PORT, user, database, ...password };
}

/** PGUSER when set, else the first trust user the server accepts; undefined when none does. */
async function probeUser(): Promise<string | undefined> {
  const users = process.env.PGUSER ? [process.env.PGUSER] : ['postgres', 'root'];
  for (const user of users) {
    const client = new pg.Client(login(user, 'postgres'));
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

/**
 * The user to test with. Unreachable: the caller skips its tests after this one line,
 * except under CI=true, where the probe fails the run.
 */
export async function pgUserOrSkip(file: string): Promise<string | undefined> {
  const user = await probeUser();
  if (user) return user;
  if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${PG_HOST}:${PG_PORT} unreachable`);
  console.warn(`${file}: skipped, PostgreSQL at ${PG_HOST}:${PG_PORT} is unreachable`);
  return undefined;
}

/** Runs one query on a database (session in UTC) and returns its rows. */
export async function pgQuery<T = Record<string, unknown>>(
  user: string,
  database: string,
  text: string,
): Promise<T[]> {
  const client = new pg.Client(login(user, database));
  await client.connect();
  try {
    await client.query("SET TimeZone TO 'UTC'");
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Creates `tributary_<purpose>_<random>` and returns its name. */
export async function createDatabase(user: string, purpose: string): Promise<string> {
  const name = `tributary_${purpose}_${randomBytes(5).toString('hex')}`;
  await pgQuery(user, 'postgres', `CREATE DATABASE ${name}`);
  return name;
}

export async function dropDatabase(user: string, name: string): Promise<void> {
  await pgQuery(user, 'postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

const PAGILA = fileURLToPath(
  new URL('../../../connectors/source-postgres/test/fixtures/pagila/', import.meta.url),
);

/** Loads source-postgres's pagila fixture with psql (its data is COPY … FROM stdin). */
export function loadPagila(user: string, database: string): void {
  for (const file of ['pagila-schema.sql', 'pagila-data.sql']) {
    const connection = ['-h', PG_HOST, '-p', String(PG_PORT), '-U', user, '-d', database];
    execFileSync('psql', [...connection, '-q', '-v', 'ON_ERROR_STOP=1', '-f', PAGILA + file], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }
}
