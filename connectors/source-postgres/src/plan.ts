import {
  ConfigError,
  type ConfiguredStream,
  cursorFieldOf,
  type LogicalType,
  primaryKeyOf,
} from '@tributary/core';
import { escapeIdentifier } from 'pg';
import type { ColumnInfo, TableInfo } from './catalog.js';
import { type Converter, converterFor, logicalTypeOf } from './values.js';

/** A column as a read uses it: how to name it in SQL and how to turn its text into JSON. */
export interface PlannedColumn {
  info: ColumnInfo;
  sql: string;
  logical: LogicalType;
  convert: Converter;
}

/** Everything a read of one stream needs, worked out once from the live catalog. */
export interface StreamPlan {
  configured: ConfiguredStream;
  name: string;
  namespace: string;
  from: string;
  selectList: string;
  columns: PlannedColumn[];
}

/** A row as the driver returns it in array mode: one text (or null) per selected column. */
export type Row = Array<string | null>;

/** Plans the read of a configured stream against the table as it is now (new columns too). */
export function planStream(
  configured: ConfiguredStream,
  tables: readonly TableInfo[],
  defaultSchema: string,
): StreamPlan {
  const namespace = configured.stream.namespace ?? defaultSchema;
  const name = configured.stream.name;
  const table = tables.find((t) => t.schema === namespace && t.name === name);
  if (!table) {
    throw new ConfigError(`stream '${name}': no table or view '${namespace}.${name}' to read`, [], {
      stream: name,
    });
  }
  const columns = table.columns.map((info) => ({
    info,
    sql: escapeIdentifier(info.name),
    logical: logicalTypeOf(info.type),
    convert: converterFor(info.type),
  }));
  return {
    configured,
    name,
    namespace,
    from: `${escapeIdentifier(table.schema)}.${escapeIdentifier(table.name)}`,
    selectList: columns.map((c) => c.sql).join(', '),
    columns,
  };
}

/** The record of a row, fields in column order. */
export function toData(plan: StreamPlan, row: Row): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (let i = 0; i < plan.columns.length; i++) {
    const text = row[i];
    const column = plan.columns[i] as PlannedColumn;
    data[column.info.name] = text === null || text === undefined ? null : column.convert(text);
  }
  return data;
}

const UNORDERED: ReadonlySet<LogicalType> = new Set(['json', 'object', 'array', 'bytes']);

/** The column of a field, or a ConfigError naming stream and field when there is none. */
function columnOf(plan: StreamPlan, field: string, role: string): PlannedColumn {
  const column = plan.columns.find((c) => c.info.name === field);
  if (!column) {
    throw new ConfigError(`stream '${plan.name}': ${role} field '${field}' is not a column`, [], {
      stream: plan.name,
      field,
    });
  }
  return column;
}

/** The cursor column of an incremental stream, checked to exist and to be orderable. */
export function cursorColumnOf(plan: StreamPlan): PlannedColumn {
  const path = cursorFieldOf(plan.configured);
  if (!path) {
    throw new ConfigError(`stream '${plan.name}': incremental sync needs a cursor_field`, [], {
      stream: plan.name,
    });
  }
  if (path.length !== 1) {
    throw new ConfigError(
      `stream '${plan.name}': cursor_field must be one top-level column, got '${path.join('.')}'`,
      [],
      { stream: plan.name, field: path.join('.') },
    );
  }
  const column = columnOf(plan, path[0] as string, 'cursor');
  if (UNORDERED.has(column.logical)) {
    throw new ConfigError(
      `stream '${plan.name}': cursor field '${column.info.name}' (${column.logical}) has no order`,
      [],
      { stream: plan.name, field: column.info.name },
    );
  }
  return column;
}

/** The primary key columns of a stream (the sync's choice, else the table's), maybe none. */
export function keyColumnsOf(plan: StreamPlan): PlannedColumn[] {
  return primaryKeyOf(plan.configured).map((path) => {
    if (path.length !== 1) {
      throw new ConfigError(
        `stream '${plan.name}': primary key field '${path.join('.')}' must be a top-level column`,
        [],
        { stream: plan.name, field: path.join('.') },
      );
    }
    return columnOf(plan, path[0] as string, 'primary key');
  });
}
