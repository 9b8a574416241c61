import {
  type Catalog,
  ConfigError,
  type ConfiguredCatalog,
  type ConfiguredStream,
  type FieldPath,
  type Stream,
  streamKey,
} from '@tributary/core';
import type { StreamConfig } from '../config/schema.js';

/** The run's identity, stamped on every configured stream. */
export interface CatalogStamp {
  syncId: number;
  generationId: number;
}

/**
 * Builds the configured catalog from the catalog the source discovered this run and the
 * sync's stream options. A stream the source does not offer, or a mode it does not support,
 * is a ConfigError naming the option's path (`syncs[0].streams[1].name`).
 */
export function buildConfiguredCatalog(
  discovered: Catalog,
  streams: StreamConfig[],
  stamp: CatalogStamp,
  at: string,
): ConfiguredCatalog {
  const byKey = new Map<string, Stream>();
  for (const stream of discovered.streams) byKey.set(streamKey(stream), stream);
  const issues: string[] = [];
  const configured: ConfiguredStream[] = [];
  const seen = new Map<string, string>();
  const tables = new Map<string, string>();

  streams.forEach((options, i) => {
    const path = `${at}.streams[${i}]`;
    const name = streamKey(options);
    const earlier = seen.get(name);
    if (earlier !== undefined) {
      issues.push(`${path}.name: stream '${name}' is configured twice (also ${earlier})`);
      return;
    }
    seen.set(name, path);
    issues.push(...checkTable(options, path, tables));
    const stream = byKey.get(name);
    if (!stream) {
      const offered = [...byKey.keys()].join(', ') || 'none';
      issues.push(
        `${path}.name: the source has no stream '${options.name}' (it offers ${offered})`,
      );
      return;
    }
    const syncMode = options.sync_mode ?? 'full_refresh';
    if (!stream.supported_sync_modes.includes(syncMode)) {
      issues.push(`${path}.sync_mode: stream '${options.name}' does not support ${syncMode}`);
    }
    if (syncMode === 'incremental' && options.destination_sync_mode === 'overwrite') {
      issues.push(
        `${path}.destination_sync_mode: overwrite with an incremental read would replace ` +
          'the table with only the records new since the last run; use append or append_dedup',
      );
    }
    const entry: ConfiguredStream = {
      stream: options.selected_fields ? pruneSchema(stream, options.selected_fields) : stream,
      sync_mode: syncMode,
      destination_sync_mode: options.destination_sync_mode ?? 'append',
      sync_id: stamp.syncId,
      generation_id: stamp.generationId,
    };
    const cursor = cursorPath(options.cursor_field);
    if (cursor) entry.cursor_field = cursor;
    const key = keyPaths(options.primary_key);
    if (key) entry.primary_key = key;
    for (const name of OPTIONS) {
      const value = options[name];
      if (value !== undefined) (entry as Record<string, unknown>)[name] = value;
    }
    issues.push(...checkKeyFields(entry, path), ...checkFieldsExist(entry, path));
    configured.push(entry);
  });

  if (issues.length > 0) throw new ConfigError('invalid streams:', issues);
  return { streams: configured };
}

const OPTIONS = [
  'delete_policy',
  'schema_policy',
  'on_bad_record',
  'selected_fields',
  'destination_table',
] as const;

/** `order_date` → `["order_date"]`. */
export function cursorPath(value: string | string[] | undefined): FieldPath | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

/** `id` → `[["id"]]`; `[a, b]` → `[["a"], ["b"]]` (a composite of top-level fields). */
export function keyPaths(
  value: string | string[] | string[][] | undefined,
): FieldPath[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return [[value]];
  return value.map((part) => (typeof part === 'string' ? [part] : part));
}

/** The stream with only the selected fields in its schema, so no column is made for others. */
function pruneSchema(stream: Stream, selected: string[]): Stream {
  const schema = stream.json_schema as { properties?: Record<string, unknown>; required?: unknown };
  if (!schema.properties) return stream;
  const keep = new Set(selected);
  const properties = Object.fromEntries(
    Object.entries(schema.properties).filter(([name]) => keep.has(name)),
  );
  const required = Array.isArray(schema.required)
    ? schema.required.filter((name) => keep.has(String(name)))
    : undefined;
  const json_schema: Record<string, unknown> = { ...schema, properties };
  if (required) json_schema.required = required;
  return { ...stream, json_schema };
}

/** With selected_fields, the key and cursor must stay in the record or dedup cannot work. */
function checkKeyFields(stream: ConfiguredStream, path: string): string[] {
  const selected = stream.selected_fields;
  if (!selected) return [];
  const keep = new Set(selected);
  const needed = [
    ...(stream.primary_key ?? stream.stream.source_defined_primary_key ?? []),
    ...(stream.cursor_field ? [stream.cursor_field] : []),
  ];
  return needed
    .map((field) => field[0])
    .filter((top): top is string => top !== undefined && !keep.has(top))
    .map((top) => `${path}.selected_fields: must include '${top}' (a key or cursor field)`);
}

/** The prefix of the tables and columns a destination keeps for itself. */
const RESERVED_PREFIX = '_tributary_';

/** Two streams must not land in one table, nor a stream in a destination's own tables. */
function checkTable(options: StreamConfig, path: string, tables: Map<string, string>): string[] {
  const table = options.destination_table ?? options.name;
  const where = options.destination_table === undefined ? 'name' : 'destination_table';
  if (table.toLowerCase().startsWith(RESERVED_PREFIX)) {
    return [`${path}.${where}: table names starting with '${RESERVED_PREFIX}' are reserved`];
  }
  const folded = table.toLowerCase();
  const earlier = tables.get(folded);
  if (earlier !== undefined) {
    return [`${path}.${where}: table '${table}' is also the table of ${earlier}`];
  }
  tables.set(folded, path);
  return [];
}

/**
 * The cursor of an incremental stream and the primary key must be fields of the stream's
 * schema: a misspelt cursor would otherwise read every record on every run, a misspelt key
 * fail on the first record, after the table was made.
 */
function checkFieldsExist(stream: ConfiguredStream, path: string): string[] {
  const properties = (stream.stream.json_schema as { properties?: Record<string, unknown> })
    .properties;
  if (!properties) return [];
  const issues: string[] = [];
  const missing = (field: FieldPath) => field[0] !== undefined && !(field[0] in properties);
  const offered = Object.keys(properties).join(', ');
  if (stream.sync_mode === 'incremental' && stream.cursor_field && missing(stream.cursor_field)) {
    issues.push(
      `${path}.cursor_field: stream '${stream.stream.name}' has no field ` +
        `'${stream.cursor_field.join('.')}' (it has ${offered})`,
    );
  }
  for (const field of stream.primary_key ?? []) {
    if (missing(field)) {
      issues.push(
        `${path}.primary_key: stream '${stream.stream.name}' has no field ` +
          `'${field.join('.')}' (it has ${offered})`,
      );
    }
  }
  return issues;
}
