import {
  DELETED_FIELD,
  type LogicalType,
  observedType,
  SchemaError,
  type SchemaPolicy,
  type TraceSchemaChange,
  widen,
} from '@tributary/core';
import type pg from 'pg';
import { logicalTypeOfPg, pgTypeOf } from './column-types.js';
import { fits } from './fits.js';
import { saveColumnMap } from './meta-tables.js';
import type { DataColumn, StreamTable } from './stream-table.js';
import { addColumn, physicalColumns, widenColumn } from './table-ddl.js';

/** A column to add or widen so that a record fits. */
export interface SchemaChange {
  change: 'column_added' | 'column_widened';
  field: string;
  column: string;
  from: LogicalType | undefined;
  to: LogicalType;
}

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/**
 * The changes a record needs, decided value by value: a field without a column, or a value
 * its column cannot hold. A null needs nothing and is never blamed. Under `freeze` the
 * first change needed throws, before anything of the batch is committed.
 */
export function changesFor(
  table: StreamTable,
  data: Record<string, unknown>,
  policy: SchemaPolicy,
  recordKey: () => string,
): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const field in data) {
    if (field === DELETED_FIELD) continue;
    const value = data[field];
    if (value === null || value === undefined) continue;
    const column = table.columns.get(field);
    let change: SchemaChange;
    if (column === undefined) {
      const declared = table.declared.get(field)?.type;
      const type =
        declared !== undefined && fits(value, declared)
          ? declared
          : observedType(value, declared ?? 'string');
      change = { change: 'column_added', field, column: '', from: undefined, to: type };
    } else {
      if (fits(value, column.type)) continue;
      const to = widen(column.type, observedType(value, column.type));
      change = { change: 'column_widened', field, column: column.name, from: column.type, to };
    }
    if (policy === 'freeze') throw frozen(table, change, recordKey(), value);
    changes.push(change);
  }
  return changes;
}

function frozen(
  table: StreamTable,
  change: SchemaChange,
  recordKey: string,
  value: unknown,
): SchemaError {
  const what =
    change.change === 'column_added'
      ? `field '${change.field}' has no column (incoming type ${change.to})`
      : `column '${change.column}' holds ${change.from}, incoming type ${change.to}`;
  return new SchemaError(
    `stream '${table.stream}': ${what}; record ${recordKey || '(no key)'} brings value ${describeValue(value)} (schema_policy: freeze)`,
    {
      stream: table.stream,
      field: change.field,
      column: change.column || change.field,
      recordKey,
      oldType: change.from,
      newType: change.to,
    },
  );
}

/**
 * Applies the changes in the open transaction and updates the table's description. Returns
 * the SCHEMA_CHANGE bodies to report. A column added here is recorded in the column map in
 * the same transaction, so the next run finds it under the same name and adds nothing.
 */
export async function applyChanges(
  client: pg.Client,
  table: StreamTable,
  changes: readonly SchemaChange[],
): Promise<TraceSchemaChange[]> {
  const reports: TraceSchemaChange[] = [];
  let named = false;
  for (const change of changes) {
    let current = table.columns.get(change.field);
    if (change.change === 'column_added' && current === undefined) {
      const name = table.columnMap.columnFor(change.field);
      named = true;
      current = await adoptColumn(client, table, change.field, name);
      if (current === undefined) {
        await addColumn(client, table.schema, table.target, { name, pgType: pgTypeOf(change.to) });
        table.columns.set(change.field, { field: change.field, name, type: change.to });
        reports.push(report(table, change.field, name, undefined, change.to));
        continue;
      }
    }
    if (current === undefined) continue;
    // Two values of one record may both widen the same column: widen once, to both.
    const to = widen(current.type, change.to);
    if (to === current.type) continue;
    if (pgTypeOf(to) === pgTypeOf(current.type)) {
      current.type = to; // big_integer → decimal: both are numeric already
      continue;
    }
    await widenColumn(client, table.schema, table.target, {
      name: current.name,
      pgType: pgTypeOf(to),
    });
    reports.push(report(table, change.field, current.name, current.type, to));
    current.type = to;
  }
  if (named)
    await saveColumnMap(client, table.schema, table.table, table.stream, table.columnMap.entries());
  return reports;
}

/**
 * Takes over a column that the table already has under the field's name but that no map
 * entry names (added by a run that did not record it, or by hand): adding it again would
 * fail. It keeps its type; the caller widens it if the value needs more.
 */
async function adoptColumn(
  client: pg.Client,
  table: StreamTable,
  field: string,
  name: string,
): Promise<DataColumn | undefined> {
  const pgType = (await physicalColumns(client, table.schema, table.target))?.get(name);
  if (pgType === undefined) return undefined;
  const column = { field, name, type: logicalTypeOfPg(pgType) };
  if (pgType !== pgTypeOf(column.type)) table.canonical = false;
  table.columns.set(field, column);
  return column;
}

function report(
  table: StreamTable,
  field: string,
  column: string,
  from: LogicalType | undefined,
  to: LogicalType,
): TraceSchemaChange {
  const descriptor =
    table.namespace === undefined
      ? { name: table.stream }
      : { name: table.stream, namespace: table.namespace };
  const body: TraceSchemaChange = {
    stream_descriptor: descriptor,
    change: from === undefined ? 'column_added' : 'column_widened',
    field,
    column,
    to_type: to,
  };
  if (from !== undefined) body.from_type = from;
  return body;
}
