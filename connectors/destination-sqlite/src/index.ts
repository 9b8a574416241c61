import { existsSync } from 'node:fs';
import { defineDestination, STATE_TABLE } from '@tributary/core';
import { SqliteConfig } from './config.js';
import { databasePath, ensureSystemTables, openDatabase, tableExists } from './database.js';
import { deleteStates, loadStates } from './state-store.js';
import { writeMessages } from './write.js';

export { SqliteConfig } from './config.js';
export { GLOBAL_STATE_KEY } from './state-store.js';
export { stagingTableOf } from './stream-writer.js';
export { sqliteTypeOf } from './values.js';

/** The embedded default destination: every stream into a table of one local SQLite file. */
export const destination = defineDestination({
  name: 'destination-sqlite',
  version: '0.1.0',
  config: SqliteConfig,
  documentationUrl: 'https://www.sqlite.org/docs.html',
  supportedSyncModes: ['overwrite', 'append', 'append_dedup'],

  /** The file can be opened (or created, with its folders) and written. */
  async check(config) {
    const path = databasePath(config);
    try {
      const db = openDatabase(config);
      try {
        db.exec('BEGIN IMMEDIATE');
        db.exec('CREATE TABLE "_tributary_check" (x INTEGER); DROP TABLE "_tributary_check"');
        db.exec('COMMIT');
      } finally {
        db.close();
      }
      return { status: 'SUCCEEDED', message: `SQLite database '${path}' is writable` };
    } catch (error) {
      const reason = (error as Error).message;
      const message = reason.includes(path) ? reason : `SQLite database '${path}': ${reason}`;
      return { status: 'FAILED', message };
    }
  },

  write: writeMessages,

  async committedState(config) {
    if (!existsSync(databasePath(config))) return [];
    const db = openDatabase(config, { mustExist: true });
    try {
      return tableExists(db, STATE_TABLE) ? loadStates(db) : [];
    } finally {
      db.close();
    }
  },

  async resetState(config, _catalog, streams) {
    const db = openDatabase(config);
    try {
      ensureSystemTables(db);
      deleteStates(db, streams);
    } finally {
      db.close();
    }
  },
});

export default destination;
