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

  streams.forEach((options, i) => {
    const path = `${at}.streams[${i}]`;
    const stream = byKey.get(streamKey(options));
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
    issues.push(...checkKeyFields(entry, path));
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
