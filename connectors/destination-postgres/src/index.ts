import {
  type ConfiguredCatalog,
  type ConnectorContext,
  defineDestination,
  type StateMessage,
  streamKey,
} from '@tributary/core';
import { PostgresConfig } from './config.js';
import { connect, describeTarget } from './connection.js';
import { deleteStates, loadStates } from './meta-tables.js';
import { writeMessages } from './write.js';

export { PostgresConfig } from './config.js';

function stateKeys(catalog: ConfiguredCatalog, streams: readonly string[] = []): string[] {
  const all = catalog.streams.map((s) =>
    streamKey({ name: s.stream.name, namespace: s.stream.namespace }),
  );
  const chosen = streams.length === 0 ? all : all.filter((k) => streams.includes(k));
  return [...chosen, '__global__'];
}

async function withClient<T>(
  config: PostgresConfig,
  work: (client: Awaited<ReturnType<typeof connect>>) => Promise<T>,
): Promise<T> {
  const client = await connect(config);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Loads streams into PostgreSQL through COPY, with state committed alongside the data. */
export const destination = defineDestination({
  name: 'destination-postgres',
  version: '0.1.0',
  config: PostgresConfig,
  documentationUrl: 'https://www.postgresql.org/docs/current/sql-copy.html',

  async check(config: PostgresConfig, _ctx: ConnectorContext) {
    try {
      await withClient(config, async (client) => {
        await client.query('SELECT 1');
      });
      return { status: 'SUCCEEDED', message: `connected to ${describeTarget(config)}` };
    } catch (error) {
      return { status: 'FAILED', message: (error as Error).message };
    }
  },

  write: writeMessages,

  async committedState(config, catalog): Promise<StateMessage[]> {
    return withClient(config, (client) => loadStates(client, config.schema, stateKeys(catalog)));
  },

  async resetState(config, catalog, streams): Promise<void> {
    const keys = stateKeys(catalog, streams);
    await withClient(config, (client) => deleteStates(client, config.schema, keys));
  },
});

export default destination;
