import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { StreamConfig, SyncConfig } from '../src/index.js';

/** A temp dir removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-engine-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeCsv(file: string, header: string, rows: string[]): void {
  writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
}

/** A sync of one CSV stream into SQLite, with the real connectors. */
export function csvSync(
  dir: string,
  stream: { name: string; file: string; checkpoint?: number; primaryKey?: string },
  options: Omit<StreamConfig, 'name'>,
): SyncConfig {
  const fileStream: Record<string, unknown> = { name: stream.name, path: stream.file };
  if (stream.checkpoint) fileStream.checkpoint_interval = stream.checkpoint;
  if (stream.primaryKey) fileStream.primary_key = [stream.primaryKey];
  return {
    name: `${stream.name}_sync`,
    source: { package: '@tributary/source-file', config: { streams: [fileStream] } },
    destination: {
      package: '@tributary/destination-sqlite',
      config: { path: path.join(dir, 'warehouse.db') },
    },
    streams: [{ name: stream.name, ...options }],
  };
}

/** Rows of a query on the warehouse. */
export function query<T>(dir: string, sql: string): T[] {
  const db = new Database(path.join(dir, 'warehouse.db'));
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

export function exec(dir: string, sql: string): void {
  const db = new Database(path.join(dir, 'warehouse.db'));
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
