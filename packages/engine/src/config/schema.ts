import { type Static, Type } from 'typebox';

const Strings = Type.Array(Type.String({ minLength: 1 }), { minItems: 1 });

/** Resource limits of a connector run as a child process (`command`). */
export const ConnectorLimits = Type.Object(
  {
    timeout_seconds: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'wall-clock limit of each command run' }),
    ),
    memory_mib: Type.Optional(
      Type.Integer({
        minimum: 16,
        description:
          'heap limit of a Node command; of any other, resident memory (VmRSS) of its process tree',
      }),
    ),
  },
  { additionalProperties: false },
);
/** Resource limits of a command connector. */
export type ConnectorLimits = Static<typeof ConnectorLimits>;

/**
 * A connector of a sync and its own config: an npm package run in process, or a command
 * (any executable, any language) run as a child process speaking the Airbyte protocol.
 * Exactly one of `package` and `command`; the loader says so when both or neither are set.
 */
export const ConnectorRef = Type.Object(
  {
    package: Type.Optional(
      Type.String({ minLength: 1, description: 'npm package name or a path to one' }),
    ),
    command: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'executable and its arguments, e.g. ["node", "dist/bin.js"]',
      }),
    ),
    limits: Type.Optional(ConnectorLimits),
    config: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: "the connector's config, checked against its own schema",
      }),
    ),
  },
  { additionalProperties: false },
);
/** A connector of a sync. */
export type ConnectorRef = Static<typeof ConnectorRef>;

/**
 * One stream of a sync. Option names are core's ConfiguredStream fields; `cursor_field` and
 * `primary_key` also take the short forms `id` and `[a, b]` (top-level fields).
 */
export const StreamConfig = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    namespace: Type.Optional(Type.String()),
    sync_mode: Type.Optional(
      Type.Union([Type.Literal('full_refresh'), Type.Literal('incremental')]),
    ),
    destination_sync_mode: Type.Optional(
      Type.Union([Type.Literal('overwrite'), Type.Literal('append'), Type.Literal('append_dedup')]),
    ),
    cursor_field: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Strings])),
    primary_key: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Strings, Type.Array(Strings, { minItems: 1 })]),
    ),
    delete_policy: Type.Optional(Type.Union([Type.Literal('hard'), Type.Literal('soft')])),
    schema_policy: Type.Optional(Type.Union([Type.Literal('evolve'), Type.Literal('freeze')])),
    on_bad_record: Type.Optional(
      Type.Union([Type.Literal('fail'), Type.Literal('skip'), Type.Literal('reject')]),
    ),
    selected_fields: Type.Optional(Strings),
    destination_table: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);
/** One stream of a sync, as written in tributary.yaml. */
export type StreamConfig = Static<typeof StreamConfig>;

/** One sync: a source, a destination and the streams that flow between them. */
export const SyncConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.-]+$' }),
    source: ConnectorRef,
    destination: ConnectorRef,
    streams: Type.Array(StreamConfig, { minItems: 1 }),
  },
  { additionalProperties: false },
);
/** One sync, as written in tributary.yaml. */
export type SyncConfig = Static<typeof SyncConfig>;

/** The whole tributary.yaml. */
export const TributaryConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    state: Type.Optional(
      Type.Object(
        {
          path: Type.Optional(
            Type.String({ minLength: 1, description: 'default .tributary/state.db' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    syncs: Type.Array(SyncConfig, { minItems: 1 }),
  },
  { additionalProperties: false, title: 'tributary.yaml' },
);
/** The whole tributary.yaml. */
export type TributaryConfig = Static<typeof TributaryConfig>;
