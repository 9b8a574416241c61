import { type Static, Type } from 'typebox';

/** The source's config: where the server is, which schemas to read, how often to checkpoint. */
export const PostgresSourceConfig = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Server host name or address.' }),
    port: Type.Integer({ default: 5432, minimum: 1, maximum: 65535 }),
    database: Type.String({ minLength: 1 }),
    user: Type.String({ minLength: 1 }),
    password: Type.Optional(Type.String({ airbyte_secret: true })),
    ssl: Type.Optional(
      Type.Boolean({ description: 'Use TLS (certificate checked by Node defaults).' }),
    ),
    schemas: Type.Array(Type.String({ minLength: 1 }), {
      default: ['public'],
      minItems: 1,
      description: 'Schemas whose tables and views become streams (namespace = schema).',
    }),
    checkpoint_interval: Type.Integer({
      default: 10_000,
      minimum: 1,
      description: 'Records between two STATE messages of an incremental stream.',
    }),
    fetch_size: Type.Integer({
      default: 5_000,
      minimum: 1,
      description: 'Rows fetched per round trip (full refresh) or per keyset page (incremental).',
    }),
    cursor_fields: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description:
          "Default cursor column per stream, keyed 'schema.table' (or 'table' for the first " +
          "schema); the sync's cursor_field still wins.",
      }),
    ),
  },
  { additionalProperties: false },
);

/** A validated source config. */
export type PostgresSourceConfig = Static<typeof PostgresSourceConfig>;
