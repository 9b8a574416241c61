import {
  ColumnMap,
  type ConfiguredStream,
  cursorFieldOf,
  DELETED_FIELD,
  type DestinationSyncMode,
  type FieldPath,
  type FieldType,
  fieldsOf,
  type LogicalType,
  METADATA_COLUMNS,
  primaryKeyOf,
  streamKey,
} from '@tributary/core';
import type pg from 'pg';
import { logicalTypeOfPg, pgTypeOf } from './column-types.js';
import type { PostgresConfig } from './config.js';
import { loadColumnMap, saveColumnMap } from './meta-tables.js';
import { PG_IDENTIFIER_RULES, pgName, qualified } from './sql.js';
import { createTable, ensureUniqueKey, physicalColumns } from './table-ddl.js';

/** A data column of the table: the field it holds, its name and its logical type. */
export interface DataColumn {
  field: string;
  name: string;
  type: LogicalType;
}

/** The metadata columns, after the data columns, with their Postgres types. */
export const METADATA_DDL = [
  { name: METADATA_COLUMNS.extractedAt, pgType: 'timestamp with time zone' },
  { name: METADATA_COLUMNS.syncId, pgType: 'bigint' },
  { name: METADATA_COLUMNS.deletedAt, pgType: 'timestamp with time zone' },
] as const;

/** Everything a stream's writer knows about its table, kept current as columns change. */
export interface StreamTable {
  stream: string;
  namespace: string | undefined;
  key: string;
  schema: string;
  /** The table readers see. */
  table: string;
  /** The table being written: `table`, or a fresh one swapped in at the end (overwrite). */
  target: string;
  mode: DestinationSyncMode;
  declared: Map<string, FieldType>;
  columnMap: ColumnMap;
  /** Data columns by field, in table order. */
  columns: Map<string, DataColumn>;
  primaryKey: string[];
  cursorField: string | undefined;
  syncId: number | null;
  /** Set when the table was created in this run. */
  created: boolean;
  /**
   * Set when every column has the Postgres type we would create for it, so that binary COPY
   * (whose bytes are type-specific: a bigint is eight bytes, never four) can load it.
   */
  canonical: boolean;
}

function topLevel(paths: readonly FieldPath[]): string[] {
  return paths.filter((p) => p.length === 1).map((p) => p[0]!);
}

/** The table name of a stream: prefix + destination_table or the stream name, ≤ 63 bytes. */
export function tableNameOf(config: PostgresConfig, configured: ConfiguredStream): string {
  return pgName(config.table_prefix + (configured.destination_table ?? configured.stream.name));
}

/**
 * Opens a stream's table, creating it (with the catalog's types) or reading the columns it
 * has. Column names come from the stored map first, so a name given once is kept; new
 * names are checked for collisions all at once, before any CREATE TABLE.
 */
export async function openStreamTable(
  client: pg.Client,
  config: PostgresConfig,
  configured: ConfiguredStream,
): Promise<StreamTable> {
  const schema = config.schema;
  const table = tableNameOf(config, configured);
  const mode = configured.destination_sync_mode;
  const declared = fieldsOf(configured.stream.json_schema);
  declared.delete(DELETED_FIELD);

  const stored = await loadColumnMap(client, schema, table);
  const columnMap = new ColumnMap(
    PG_IDENTIFIER_RULES,
    config.identifier_collision,
    stored,
    Object.values(METADATA_COLUMNS),
  );
  columnMap.assignAll(declared.keys());

  const target = mode === 'overwrite' ? pgName(`_tributary_tmp_${table}`) : table;
  // A fresh table left by a run that failed before its swap is stale: start over.
  if (mode === 'overwrite') await client.query(`DROP TABLE IF EXISTS ${qualified(schema, target)}`);

  const names = new Map(columnMap.entries());
  const primaryKey = topLevel(primaryKeyOf(configured));
  const pkColumns = primaryKey.map((f) => names.get(f) ?? columnMap.columnFor(f));
  const columns = new Map<string, DataColumn>();
  const existing = await physicalColumns(client, schema, target);
  let created = false;
  let canonical = true;
  if (existing === undefined) {
    for (const [field, type] of declared)
      columns.set(field, { field, name: columnMap.columnFor(field), type: type.type });
    const ddl = [...columns.values()].map((c) => ({ name: c.name, pgType: pgTypeOf(c.type) }));
    await createTable(
      client,
      schema,
      target,
      [...ddl, ...METADATA_DDL],
      mode === 'append_dedup' ? pkColumns : [],
    );
    created = true;
  } else {
    for (const [field, column] of columnMap.entries()) {
      const pgType = existing.get(column);
      if (pgType === undefined) continue;
      const type = logicalTypeOfPg(pgType);
      columns.set(field, { field, name: column, type });
      if (pgType !== pgTypeOf(type)) canonical = false;
    }
    for (const meta of METADATA_DDL) if (existing.get(meta.name) !== meta.pgType) canonical = false;
    if (mode === 'append_dedup' && pkColumns.length > 0)
      await ensureUniqueKey(client, schema, target, pgName(`${table}_tributary_pk`), pkColumns);
  }
  await saveColumnMap(client, schema, table, configured.stream.name, columnMap.entries());

  const cursorPath = cursorFieldOf(configured);
  const cursorField = cursorPath?.length === 1 ? cursorPath[0] : undefined;
  return {
    stream: configured.stream.name,
    namespace: configured.stream.namespace,
    key: streamKey({ name: configured.stream.name, namespace: configured.stream.namespace }),
    schema,
    table,
    target,
    mode,
    declared,
    columnMap,
    columns,
    primaryKey,
    cursorField,
    syncId: configured.sync_id ?? null,
    created,
    canonical,
  };
}
