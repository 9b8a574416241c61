import {
  type ConfiguredCatalog,
  defineDestination,
  type StateMessage,
  streamKey,
} from '@tributary/core';
import { MysqlConfig } from './config.js';
import { closeSession, openSession, wrapError } from './connection.js';
import { deleteStates, ensureMetaTables, readStates } from './meta-tables.js';
import { quoteId } from './sql.js';
import { writeMessages } from './write.js';

export { MysqlConfig } from './config.js';
export { dedupe } from './stream-writer.js';
export { MYSQL_IDENTIFIERS } from './table-schema.js';

/** Keys of the catalog's streams, by name. */
function keysOf(catalog: ConfiguredCatalog, names?: readonly string[]): string[] {
  return catalog.streams
    .filter((s) => !names || names.length === 0 || names.includes(s.stream.name))
    .map((s) => streamKey(s.stream));
}

/** Loads streams into MySQL or MariaDB tables (see README for types, modes and limits). */
export const destination = defineDestination({
  name: 'destination-mysql',
  version: '0.1.0',
  config: MysqlConfig,
  documentationUrl: 'https://dev.mysql.com/doc/refman/8.4/en/load-data.html',
  async check(config) {
    try {
      const session = await openSession(config);
      try {
        const probe = quoteId(`_tributary_check_${process.pid}_${Date.now()}`);
        await session.conn.query(`CREATE TABLE ${probe} (id INT)`);
        await session.conn.query(`DROP TABLE ${probe}`);
      } catch (error) {
        throw wrapError(error, `checking ${session.where}`, session.secrets);
      } finally {
        await closeSession(session);
      }
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
  },
  write: writeMessages,
  async committedState(config, catalog) {
    const session = await openSession(config);
    try {
      await ensureMetaTables(session.conn, session.collation);
      const states = await readStates(session.conn);
      const wanted = new Set([...keysOf(catalog), '__global__']);
      const out: StateMessage[] = [];
      for (const [key, state] of states) if (wanted.has(key)) out.push(state);
      return out;
    } finally {
      await closeSession(session);
    }
  },
  async resetState(config, catalog, streams) {
    const session = await openSession(config);
    try {
      await ensureMetaTables(session.conn, session.collation);
      if (streams.length === 0) await deleteStates(session.conn, []);
      // A stream named but not in the catalog is still forgotten under its bare name.
      else
        await deleteStates(session.conn, [...new Set([...keysOf(catalog, streams), ...streams])]);
    } finally {
      await closeSession(session);
    }
  },
});

export default destination;
