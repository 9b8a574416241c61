import type { Stream } from '@tributary/core';
import type { TableInfo } from './catalog.js';
import type { PostgresSourceConfig } from './config.js';
import { columnSchema } from './values.js';

/** The stream of a table or view: columns as JSON Schema, the primary key, the default cursor. */
export function streamOf(table: TableInfo, config: PostgresSourceConfig): Stream {
  const properties: Record<string, unknown> = {};
  for (const column of table.columns) {
    properties[column.name] = columnSchema(column.type, !column.notNull);
  }
  const stream: Stream = {
    name: table.name,
    namespace: table.schema,
    json_schema: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties,
      required: table.columns.filter((c) => c.notNull).map((c) => c.name),
    },
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: false,
  };
  if (table.primaryKey.length > 0) {
    stream.source_defined_primary_key = table.primaryKey.map((name) => [name]);
  }
  const cursor = defaultCursor(table, config);
  if (cursor) stream.default_cursor_field = [cursor];
  return stream;
}

function defaultCursor(table: TableInfo, config: PostgresSourceConfig): string | undefined {
  const overrides = config.cursor_fields ?? {};
  const qualified = overrides[`${table.schema}.${table.name}`];
  if (qualified) return qualified;
  return table.schema === config.schemas[0] ? overrides[table.name] : undefined;
}
