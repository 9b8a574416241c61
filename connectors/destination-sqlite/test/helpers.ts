import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  type ConfiguredCatalog,
  type ConfiguredStream,
  type ConnectorContext,
  type Message,
  record,
  type StateMessage,
  silentLogger,
  state,
  streamState,
} from '@tributary/core';
import Database from 'better-sqlite3';
import { destination } from '../src/index.js';

export const ctx: ConnectorContext = { signal: new AbortController().signal, logger: silentLogger };

/** A temp dir with a database path inside; `cleanup` removes it. */
export function tempDatabase(): { dir: string; path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-sqlite-'));
  return {
    dir,
    path: join(dir, 'out', 'dest.db'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A configured stream over the given JSON Schema properties. */
export function stream(
  name: string,
  properties: Record<string, unknown>,
  options: Partial<ConfiguredStream> = {},
): ConfiguredStream {
  return {
    stream: {
      name,
      json_schema: { type: 'object', properties },
      supported_sync_modes: ['full_refresh', 'incremental'],
    },
    sync_mode: 'incremental',
    destination_sync_mode: 'append',
    sync_id: 7,
    ...options,
  };
}

export const catalog = (...streams: ConfiguredStream[]): ConfiguredCatalog => ({ streams });

/** A record of a stream, emitted at a fixed instant unless said otherwise. */
export const rec = (
  name: string,
  data: Record<string, unknown>,
  emittedAt = Date.UTC(2024, 6, 1, 0, 0, 0),
): Message => record(name, data, emittedAt);

/** A STATE of a stream holding `{cursor}`, stamped like the engine does. */
export function st(name: string, cursor: unknown, sequence: number): Message {
  const s: StateMessage = {
    ...streamState(name, { cursor }),
    tributary: { generation: 1, sequence },
  };
  return state(s);
}

/** The messages as an async iterable; throws `error` after the last one when given. */
export async function* feed(messages: Message[], error?: Error): AsyncGenerator<Message> {
  for (const m of messages) yield m;
  if (error) throw error;
}

/** Runs write() to the end and returns what it yielded. */
export async function write(
  config: Record<string, unknown>,
  cat: ConfiguredCatalog,
  messages: Message[],
  error?: Error,
): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of destination.write(config, cat, feed(messages, error), ctx)) out.push(m);
  return out;
}

/** Runs write() expecting it to throw; returns the error and what it yielded before. */
export async function writeFailing(
  config: Record<string, unknown>,
  cat: ConfiguredCatalog,
  messages: Message[],
  error?: Error,
): Promise<{ error: Error; out: Message[] }> {
  const out: Message[] = [];
  try {
    for await (const m of destination.write(config, cat, feed(messages, error), ctx)) out.push(m);
  } catch (e) {
    return { error: e as Error, out };
  }
  throw new Error('write() did not throw');
}

/** Runs one query on the database file and returns its rows. */
export function query(path: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Runs statements on the database file (to set up triggers and the like). */
export function exec(path: string, sql: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** The declared types of a table's columns, by name. */
export function columnTypes(path: string, table: string): Record<string, string> {
  const rows = query(path, 'SELECT name, type FROM pragma_table_info(?)', table);
  return Object.fromEntries(rows.map((r) => [r.name as string, r.type as string]));
}

export const INT = { type: ['integer', 'null'] };
export const STR = { type: ['string', 'null'] };
export const TSTZ = {
  type: ['string', 'null'],
  format: 'date-time',
  airbyte_type: 'timestamp_with_timezone',
};
export const DEC = { type: ['string', 'null'], format: 'decimal' };
export const BIGINT = { type: ['string', 'null'], airbyte_type: 'big_integer' };
