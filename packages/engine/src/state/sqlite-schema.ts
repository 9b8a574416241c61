import type Database from 'better-sqlite3';

/**
 * The store's tables, one migration per schema version (PRAGMA user_version). A new version
 * appends a step; existing files are brought forward on open.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE syncs (
     name TEXT PRIMARY KEY,
     generation INTEGER NOT NULL,
     sequence INTEGER NOT NULL,
     min_generation INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE states (
     sync TEXT NOT NULL,
     stream TEXT NOT NULL,
     state TEXT,
     generation INTEGER NOT NULL,
     sequence INTEGER NOT NULL,
     schema_version INTEGER NOT NULL,
     updated_at TEXT NOT NULL,
     PRIMARY KEY (sync, stream)
   );
   CREATE TABLE runs (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     sync TEXT NOT NULL,
     started_at TEXT NOT NULL,
     ended_at TEXT,
     status TEXT NOT NULL,
     counts TEXT NOT NULL,
     error TEXT
   );
   CREATE INDEX runs_by_sync ON runs (sync, id);
   CREATE TABLE rejects (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     run_id INTEGER NOT NULL,
     sync TEXT NOT NULL,
     stream TEXT NOT NULL,
     reason TEXT NOT NULL,
     code TEXT NOT NULL,
     record_key TEXT,
     record TEXT,
     created_at TEXT NOT NULL
   );
   CREATE INDEX rejects_by_run ON rejects (sync, run_id);
   CREATE TABLE locks (
     sync TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     pid INTEGER NOT NULL,
     host TEXT NOT NULL,
     run_id INTEGER,
     acquired_at TEXT NOT NULL
   );`,
];

/** Brings a store file to the latest schema version. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      // Another process may have migrated between our read and our write lock.
      if ((db.pragma('user_version', { simple: true }) as number) > version) return;
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
