import { type Static, Type } from 'typebox';

/** The destination's config; `password` is marked secret so it is never logged or echoed. */
export const MysqlConfig = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Server host name or address.' }),
    port: Type.Integer({ default: 3306, minimum: 1, maximum: 65535 }),
    database: Type.String({
      minLength: 1,
      description: 'Database (schema) that holds the tables.',
    }),
    user: Type.String({ default: 'root' }),
    password: Type.String({ default: '', airbyte_secret: true }),
    table_prefix: Type.String({ default: '', description: 'Put before every stream table name.' }),
    identifier_collision: Type.Union([Type.Literal('rename'), Type.Literal('fail')], {
      default: 'rename',
      description: 'Colliding or too-long column names get a stable hash (rename) or fail.',
    }),
    batch_size: Type.Integer({
      default: 20_000,
      minimum: 1,
      description:
        'Records held in memory before they are loaded (inside the open transaction); ' +
        'an append or overwrite batch is also loaded once its text reaches 8 MiB.',
    }),
    commit_interval_ms: Type.Integer({
      default: 1_000,
      minimum: 0,
      description:
        'Least time between commits: STATEs that come sooner are written in the open ' +
        'transaction and acknowledged with the next commit (0: commit at every STATE).',
    }),
    reload_buffer_mb: Type.Integer({
      default: 64,
      minimum: 0,
      description:
        'Most MiB of encoded records kept, between two STATEs, to load again after a schema ' +
        'change (MySQL commits on DDL). Past it they are let go, and a schema change before ' +
        'the next STATE commits the loaded records ahead of their STATE, with a warning.',
    }),
    load_method: Type.Union(
      [Type.Literal('auto'), Type.Literal('load_data'), Type.Literal('insert')],
      {
        default: 'auto',
        description:
          'auto: LOAD DATA LOCAL INFILE, falling back to multi-row INSERT when the server refuses.',
      },
    ),
    local_infile: Type.Boolean({
      default: true,
      description: 'Whether the client offers LOAD DATA LOCAL at all (false forces the fallback).',
    }),
    insert_statement_bytes: Type.Integer({
      default: 4 * 1024 * 1024,
      minimum: 1024,
      description: 'Largest multi-row INSERT statement in bytes (capped by max_allowed_packet).',
    }),
    connect_timeout_ms: Type.Integer({ default: 2_000, minimum: 1 }),
  },
  { additionalProperties: false },
);
/** The destination's config. */
export type MysqlConfig = Static<typeof MysqlConfig>;
