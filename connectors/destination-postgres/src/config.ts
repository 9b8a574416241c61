import { type Static, Type } from 'typebox';

/** How the connection is encrypted: not at all, encrypted, or encrypted with a checked host. */
export const SslMode = Type.Union([
  Type.Literal('disable'),
  Type.Literal('require'),
  Type.Literal('verify-full'),
]);

/** The destination's config: where the server is and how to name what it creates there. */
export const PostgresConfig = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Server host name or address.' }),
    port: Type.Integer({ default: 5432, minimum: 1, maximum: 65535 }),
    database: Type.String({ minLength: 1 }),
    user: Type.String({ minLength: 1 }),
    password: Type.Optional(Type.String({ airbyte_secret: true })),
    schema: Type.String({
      default: 'public',
      minLength: 1,
      description: 'Target schema, created if missing.',
    }),
    table_prefix: Type.String({ default: '', description: 'Put before every table name.' }),
    ssl_mode: Type.Optional(SslMode),
    ssl_ca: Type.Optional(
      Type.String({ description: 'PEM certificate of the CA, for verify-full.' }),
    ),
    identifier_collision: Type.Union([Type.Literal('rename'), Type.Literal('fail')], {
      default: 'rename',
      description: 'Too long or colliding names get a hash suffix (rename) or fail the run.',
    }),
  },
  { additionalProperties: false },
);

/** A validated config, defaults filled in. */
export type PostgresConfig = Static<typeof PostgresConfig>;
