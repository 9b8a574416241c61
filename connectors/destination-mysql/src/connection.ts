import {
  AuthError,
  collectSecrets,
  DestinationError,
  redactText,
  TributaryError,
} from '@tributary/core';
import mysql, { type Connection } from 'mysql2/promise';
import { exactCollation } from './collation.js';
import { MysqlConfig } from './config.js';

/** A database session set up the way every statement of this destination expects. */
export interface Session {
  conn: Connection;
  /** Whether LOAD DATA LOCAL INFILE may be tried (the server may still refuse it). */
  localInfile: boolean;
  maxPacketBytes: number;
  /** The utf8mb4 collation every text column gets (see collation.ts). */
  collation: string;
  /** Names host, user and database for errors; never the password. */
  where: string;
  secrets: string[];
}

/**
 * Strict mode makes a value the column cannot hold an error instead of a silent truncation;
 * the UTC session zone makes DATETIME(6) values instants.
 */
const SESSION_SETUP = [
  "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'",
  "SET SESSION time_zone = '+00:00'",
];

const AUTH_CODES = new Set(['ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR']);

/** Opens a session, turning driver errors into errors that name host and user only. */
export async function openSession(config: MysqlConfig): Promise<Session> {
  const where = `${config.user}@${config.host}:${config.port}/${config.database}`;
  const secrets = collectSecrets(MysqlConfig, config);
  let conn: Connection;
  try {
    conn = await mysql.createConnection({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      charset: 'utf8mb4_bin',
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      connectTimeout: config.connect_timeout_ms,
      multipleStatements: false,
      flags: config.local_infile ? [] : ['-LOCAL_FILES'],
    });
  } catch (error) {
    throw describeConnectError(error, config, secrets);
  }
  try {
    for (const sql of SESSION_SETUP) await conn.query(sql);
    const [rows] = await conn.query('SELECT @@local_infile AS li, @@max_allowed_packet AS mp');
    const row = (rows as Array<{ li: number | string; mp: number | string }>)[0];
    const collation = await exactCollation(conn);
    await conn.query(`SET NAMES utf8mb4 COLLATE ${collation}`);
    return {
      conn,
      localInfile: config.local_infile && Number(row?.li ?? 0) === 1,
      maxPacketBytes: Number(row?.mp ?? 4 * 1024 * 1024),
      collation,
      where,
      secrets,
    };
  } catch (error) {
    await conn.end().catch(() => undefined);
    throw wrapError(error, `setting up the session for ${where}`, secrets);
  }
}

function describeConnectError(error: unknown, config: MysqlConfig, secrets: string[]): Error {
  const code = (error as { code?: string }).code ?? '';
  const text = redactText(error instanceof Error ? error.message : String(error), secrets);
  const who = `user '${config.user}' at ${config.host}:${config.port}`;
  if (AUTH_CODES.has(code)) {
    return new AuthError(`MySQL refused ${who} (database '${config.database}'): ${text}`, {
      host: config.host,
      user: config.user,
    });
  }
  return new DestinationError(
    `cannot connect to MySQL as ${who} (database '${config.database}'): ${text}`,
    { host: config.host, user: config.user, driverCode: code },
  );
}

/** A driver error as a DestinationError saying what was being done; secrets masked. */
export function wrapError(error: unknown, doing: string, secrets: string[]): Error {
  if (error instanceof TributaryError) return error;
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const text = redactText(error.message, secrets);
    return new DestinationError(`${doing}: ${text}`, { driverCode: error.code });
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Closes a session, ignoring a connection that is already gone. */
export async function closeSession(session: Session): Promise<void> {
  await session.conn.end().catch(() => session.conn.destroy());
}
