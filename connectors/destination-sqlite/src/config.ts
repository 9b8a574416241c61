import { type Static, Type } from 'typebox';

/**
 * The destination's config. Every tuning knob has a default that suits a laptop; the units
 * are in the names (`_ms`, `_rows`).
 */
export const SqliteConfig = Type.Object(
  {
    path: Type.String({
      minLength: 1,
      description: 'The database file, relative to the working directory; parent dirs are created.',
    }),
    identifier_collision: Type.Union([Type.Literal('rename'), Type.Literal('fail')], {
      default: 'rename',
      description:
        'Two fields that would share a column name (SQLite ignores case): rename the later ' +
        'one with a stable hash suffix, or fail the run.',
    }),
    rows_per_statement: Type.Integer({
      minimum: 1,
      maximum: 32766,
      default: 100,
      description:
        'Rows bound to one multi-row INSERT (rows); capped so a statement never passes ' +
        "SQLite's 32766 variables.",
    }),
    cache_size_mb: Type.Integer({
      minimum: 1,
      default: 64,
      description:
        "SQLite's page cache for the connection (MiB); a large transaction spills to the WAL " +
        'less often with a larger cache.',
    }),
    busy_timeout_ms: Type.Integer({
      minimum: 0,
      default: 5000,
      description: 'How long to wait for another process holding the write lock (ms).',
    }),
    synchronous: Type.Union([Type.Literal('normal'), Type.Literal('full')], {
      default: 'normal',
      description:
        'PRAGMA synchronous under WAL: normal survives a crash of the process (a power ' +
        'loss may drop the last commits), full survives a power loss too but is slower.',
    }),
  },
  { additionalProperties: false },
);

/** The destination's config with its defaults filled in. */
export type SqliteConfig = Static<typeof SqliteConfig>;
