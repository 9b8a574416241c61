import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type {
  ConfiguredCatalog,
  ConfiguredStream,
  ConnectorContext,
  Message,
  StateMessage,
  Stream,
} from '@tributary/core';
import { postgresTestServer } from '@tributary/testing';
import pg from 'pg';
import { source } from '../src/index.js';

/** Where the tests find the server: libpq's variables override the defaults (root README). */
export const serverFromEnv = postgresTestServer;

const SERVER = serverFromEnv(process.env);
export const HOST = SERVER.host;
export const PORT = SERVER.port;

/** Connection settings for `user` on `database`, with the password when one is set. */
function login(user: string, database: string) {
  const password = SERVER.password === undefined ? {} : { password: SERVER.password };
  return { host: HOST, port: PORT, user, database, ...password };
}

/** The first of the users that the server accepts, or undefined when none can log in. */
export async function probeServer(): Promise<string | undefined> {
  for (const user of SERVER.users) {
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
 * Probes the server once per file. Unreachable: the file's tests are skipped with one line,
 * except under CI=true, where the probe itself fails the run.
 */
export async function serverOrSkip(file: string): Promise<string | undefined> {
  const user = await probeServer();
  if (user) return user;
  if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${HOST}:${PORT} is unreachable`);
  console.warn(`${file}: skipped, PostgreSQL at ${HOST}:${PORT} is unreachable`);
  return undefined;
}

/** Runs SQL on a database as the admin user. */
export async function sql(user: string, database: string, text: string): Promise<void> {
  const client = new pg.Client(login(user, database));
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Creates a fresh database `tributary_src_<random>` and returns its name. */
export async function createDatabase(user: string): Promise<string> {
  const name = `tributary_src_${randomBytes(6).toString('hex')}`;
  await sql(user, 'postgres', `CREATE DATABASE ${name}`);
  return name;
}

export async function dropDatabase(user: string, name: string): Promise<void> {
  await sql(user, 'postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

const PAGILA = fileURLToPath(new URL('./fixtures/pagila/', import.meta.url));

/** Loads the pagila fixture with psql (its data is COPY … FROM stdin; PGPASSWORD inherited). */
export function loadPagila(user: string, database: string): void {
  for (const file of ['pagila-schema.sql', 'pagila-data.sql']) {
    execFileSync(
      'psql',
      [
        '-h',
        HOST,
        '-p',
        String(PORT),
        '-U',
        user,
        '-d',
        database,
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
      ].concat(['-f', `${PAGILA}${file}`]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  }
}

export function configFor(user: string, database: string, extra: Record<string, unknown> = {}) {
  return { ...login(user, database), ...extra };
}

/** A context whose logger keeps every call, so tests can read what the source reported. */
export function recordingContext(): ConnectorContext & {
  logs: Array<{ level: string; message: string; meta: Record<string, unknown> | undefined }>;
} {
  const logs: Array<{ level: string; message: string; meta: Record<string, unknown> | undefined }> =
    [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    logs.push({ level, message, meta });
  };
  return {
    signal: new AbortController().signal,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    logs,
  };
}

export async function collect(iterable: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const message of iterable) out.push(message);
  return out;
}

export function recordsOf(messages: Message[]): Array<Record<string, unknown>> {
  return messages.flatMap((m) => (m.type === 'RECORD' ? [m.record.data] : []));
}

export function statesOf(messages: Message[]): StateMessage[] {
  return messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
}

export function cursorsOf(messages: Message[]): unknown[] {
  return statesOf(messages).map(
    (s) => (s.stream?.stream_state as { cursor?: unknown } | undefined)?.cursor,
  );
}

/** A configured catalog of the named discovered streams. */
export function configure(
  streams: Stream[],
  names: string[],
  options: Partial<ConfiguredStream> = {},
): ConfiguredCatalog {
  return {
    streams: names.map((name) => {
      const stream = streams.find((s) => s.name === name);
      if (!stream) throw new Error(`no stream ${name}`);
      return {
        stream,
        sync_mode: 'full_refresh',
        destination_sync_mode: 'append',
        ...options,
      } as ConfiguredStream;
    }),
  };
}

export { source };
