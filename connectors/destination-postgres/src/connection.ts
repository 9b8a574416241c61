import {
  AuthError,
  collectSecrets,
  DestinationError,
  redactText,
  TransientError,
  type TributaryError,
} from '@tributary/core';
import pg from 'pg';
import { PostgresConfig } from './config.js';

/** Where a connection goes, said the same way in every message: never with the password. */
export function describeTarget(config: PostgresConfig): string {
  return `PostgreSQL at ${config.host}:${config.port}, database '${config.database}', user '${config.user}'`;
}

/** Every text that must never appear in a message: the password, whatever the driver did. */
export function secretsOf(config: PostgresConfig): string[] {
  return collectSecrets(PostgresConfig, config);
}

/** A message with the config's secrets masked. */
export function redact(config: PostgresConfig, text: string): string {
  return redactText(text, secretsOf(config));
}

function sslOption(config: PostgresConfig): pg.ClientConfig['ssl'] {
  switch (config.ssl_mode) {
    case undefined:
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-full':
      return config.ssl_ca ? { rejectUnauthorized: true, ca: config.ssl_ca } : true;
  }
}

const AUTH_CODES = new Set(['28P01', '28000']);
const TRANSIENT_NET = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

/**
 * True when an error says the connection itself failed: a network error from Node, or a
 * SQLSTATE of class 08 (connection exception), 28 (authorization) or 57P (server shutting
 * down). Any other SQLSTATE is the server refusing one statement on a working connection.
 */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return false;
  if (/^E[A-Z]+$/.test(code)) return true;
  return code.startsWith('08') || code.startsWith('28') || code.startsWith('57P');
}

/**
 * Turns a driver error into a Tributary error that names host, user and database. The
 * driver's own text is kept (it says what went wrong) but passed through the redactor,
 * because some drivers echo connection strings.
 */
export function connectionError(config: PostgresConfig, error: unknown): TributaryError {
  const err = error as { code?: string; message?: string };
  const detail = redact(config, err.message ?? String(error));
  const message = `cannot use ${describeTarget(config)}: ${detail}`;
  const context = { host: config.host, user: config.user, database: config.database };
  if (err.code && AUTH_CODES.has(err.code)) return new AuthError(message, context);
  if (err.code && TRANSIENT_NET.has(err.code)) return new TransientError(message, context);
  return new DestinationError(message, context);
}

/**
 * Opens a session in UTC: a `timestamp` value is passed as text and stored as written, and a
 * `timestamptz` without offset is read as UTC, whatever the machine's or server's zone.
 */
export async function connect(config: PostgresConfig, timeoutMs = 10_000): Promise<pg.Client> {
  const client = new pg.Client({
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.user,
    ...(config.password !== undefined ? { password: config.password } : {}),
    ssl: sslOption(config),
    connectionTimeoutMillis: timeoutMs,
    application_name: 'tributary-destination-postgres',
  });
  // A dropped connection emits 'error' outside any query; the next query reports it instead.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query("SET TimeZone TO 'UTC'; SET client_encoding TO 'UTF8'");
  } catch (error) {
    await client.end().catch(() => {});
    throw connectionError(config, error);
  }
  return client;
}
