import { type Static, Type } from 'typebox';

/** full_refresh reads everything each time; incremental reads what changed since the state. */
export const SyncMode = Type.Union([Type.Literal('full_refresh'), Type.Literal('incremental')]);
/** full_refresh or incremental. */
export type SyncMode = Static<typeof SyncMode>;

/**
 * What the destination does with what it receives: `overwrite` replaces the table after a
 * successful run, `append` adds every record, `append_dedup` keeps one row per primary key.
 */
export const DestinationSyncMode = Type.Union([
  Type.Literal('overwrite'),
  Type.Literal('append'),
  Type.Literal('append_dedup'),
]);
/** overwrite, append or append_dedup. */
export type DestinationSyncMode = Static<typeof DestinationSyncMode>;

/** A field path: `["customer", "email"]`. Top-level fields are paths of one name. */
export type FieldPath = string[];

/** A stream as a source describes it in `discover`. */
export const Stream = Type.Object({
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
  json_schema: Type.Record(Type.String(), Type.Unknown()),
  supported_sync_modes: Type.Array(SyncMode),
  source_defined_cursor: Type.Optional(Type.Boolean()),
  default_cursor_field: Type.Optional(Type.Array(Type.String())),
  source_defined_primary_key: Type.Optional(Type.Array(Type.Array(Type.String()))),
  is_resumable: Type.Optional(Type.Boolean()),
});
/** A stream as a source describes it. */
export type Stream = Static<typeof Stream>;

/** Every stream a source offers. */
export const Catalog = Type.Object({ streams: Type.Array(Stream) });
/** Every stream a source offers. */
export type Catalog = Static<typeof Catalog>;

/** A source deletion removes the row (`hard`) or stamps `_tributary_deleted_at` (`soft`). */
export const DeletePolicy = Type.Union([Type.Literal('hard'), Type.Literal('soft')]);
/** hard or soft. */
export type DeletePolicy = Static<typeof DeletePolicy>;

/** A schema change is applied (`evolve`: add or widen columns) or refused (`freeze`). */
export const SchemaPolicy = Type.Union([Type.Literal('evolve'), Type.Literal('freeze')]);
/** evolve or freeze. */
export type SchemaPolicy = Static<typeof SchemaPolicy>;

/** A record nobody can hold fails the run, is skipped with a warning, or is kept as a reject. */
export const BadRecordPolicy = Type.Union([
  Type.Literal('fail'),
  Type.Literal('skip'),
  Type.Literal('reject'),
]);
/** fail, skip or reject. */
export type BadRecordPolicy = Static<typeof BadRecordPolicy>;

/**
 * One stream as a sync uses it. The Airbyte fields come first; the snake_case options after
 * them are Tributary's and travel to both connectors, so each applies the same rules.
 */
export const ConfiguredStream = Type.Object({
  stream: Stream,
  sync_mode: SyncMode,
  destination_sync_mode: DestinationSyncMode,
  cursor_field: Type.Optional(Type.Array(Type.String())),
  primary_key: Type.Optional(Type.Array(Type.Array(Type.String()))),
  generation_id: Type.Optional(Type.Integer()),
  minimum_generation_id: Type.Optional(Type.Integer()),
  sync_id: Type.Optional(Type.Integer()),
  /** Top-level fields to keep; absent means every field, including ones that appear later. */
  selected_fields: Type.Optional(Type.Array(Type.String())),
  delete_policy: Type.Optional(DeletePolicy),
  schema_policy: Type.Optional(SchemaPolicy),
  on_bad_record: Type.Optional(BadRecordPolicy),
  /** The destination table; the stream name when absent. */
  destination_table: Type.Optional(Type.String()),
});
/** One stream as a sync uses it. */
export type ConfiguredStream = Static<typeof ConfiguredStream>;

/** The streams a sync reads, each with its modes and options. */
export const ConfiguredCatalog = Type.Object({ streams: Type.Array(ConfiguredStream) });
/** The streams a sync reads. */
export type ConfiguredCatalog = Static<typeof ConfiguredCatalog>;

/** The defaults every connector applies to a configured stream's options. */
export const STREAM_OPTION_DEFAULTS = {
  delete_policy: 'hard',
  schema_policy: 'evolve',
  on_bad_record: 'fail',
} as const satisfies Pick<ConfiguredStream, 'delete_policy' | 'schema_policy' | 'on_bad_record'>;

/** A configured stream's options with their defaults filled in. */
export function streamOptions(stream: ConfiguredStream): {
  deletePolicy: DeletePolicy;
  schemaPolicy: SchemaPolicy;
  onBadRecord: BadRecordPolicy;
} {
  return {
    deletePolicy: stream.delete_policy ?? STREAM_OPTION_DEFAULTS.delete_policy,
    schemaPolicy: stream.schema_policy ?? STREAM_OPTION_DEFAULTS.schema_policy,
    onBadRecord: stream.on_bad_record ?? STREAM_OPTION_DEFAULTS.on_bad_record,
  };
}

/** The primary key of a configured stream: the sync's choice, else the source's. */
export function primaryKeyOf(stream: ConfiguredStream): FieldPath[] {
  return stream.primary_key ?? stream.stream.source_defined_primary_key ?? [];
}

/** The cursor of a configured stream: the sync's choice, else the source's default. */
export function cursorFieldOf(stream: ConfiguredStream): FieldPath | undefined {
  const field = stream.cursor_field ?? stream.stream.default_cursor_field;
  return field && field.length > 0 ? field : undefined;
}
