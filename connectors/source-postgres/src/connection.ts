import {
  AuthError,
  ConfigError,
  type ErrorContext,
  redactText,
  TransientError,
  TributaryError,
} from '@tributary/core';
import pg from 'pg';
import type { PostgresSourceConfig } from './config.js';

/**
 * Session settings that make every value's text exact and stable: timestamps with a zone come
 * out in UTC (a timestamp without zone is never shifted, whatever the zone), dates as ISO,
 * bytea as hex, floats in their shortest exact form.
 */
const SESSION_OPTIONS = [
  '-c TimeZone=UTC',
  '-c DateStyle=ISO,YMD',
  '-c IntervalStyle=postgres',
  '-c bytea_output=hex',
  '-c extra_float_digits=1',
].join(' ');

/**
 * Every column arrives as its text form; `values.ts` converts it by the column's catalog type.
 * The driver's own parsers would turn timestamps into JS Dates and bigints into lossy numbers.
 */
export const TEXT_ONLY = {
  getTypeParser: () => (value: string) => value,
} as unknown as pg.CustomTypesConfig;

const CONNECT_TIMEOUT_MS = 10_000;

/** Where a connection goes, for error messages: never the password. */
export function describeTarget(config: PostgresSourceConfig): string {
  return `PostgreSQL at ${config.host}:${config.port} as user '${config.user}' (database '${config.database}')`;
}

function secretsOf(config: PostgresSourceConfig): string[] {
  return config.password ? [config.password] : [];
}

/** Opens a client with the session settings above, or throws a coded error naming the target. */
export async function connect(config: PostgresSourceConfig): Promise<pg.Client> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    password: config.password ?? '',
    ssl: config.ssl === true ? true : undefined,
    options: SESSION_OPTIONS,
    types: TEXT_ONLY,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'tributary-source-postgres',
  });
  // A server that drops the connection mid-read emits 'error' on the client; without a
  // listener Node would crash the process instead of failing the pending query.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw toSourceError(error, config, 'cannot connect to');
  }
  return client;
}

/** A driver error as a coded Tributary error that names host, user and database, secret-free. */
export function toSourceError(
  error: unknown,
  config: PostgresSourceConfig,
  doing: string,
  context: ErrorContext = {},
): TributaryError {
  if (error instanceof TributaryError) return error;
  const err = error as { code?: string; message?: string };
  const detail = redactText(err.message ?? String(error), secretsOf(config));
  const message = `${doing} ${describeTarget(config)}: ${detail}`;
  const ctx = { ...context, host: config.host, user: config.user, database: config.database };
  const code = err.code ?? '';
  if (code === '28P01' || code === '28000') return new AuthError(message, ctx);
  if (code === '3D000' || code === 'ENOTFOUND' || code === '42501') {
    return new ConfigError(message, [], ctx);
  }
  if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('E') || !code) {
    return new TransientError(message, ctx);
  }
  return new TributaryError('internal', message, ctx);
}
