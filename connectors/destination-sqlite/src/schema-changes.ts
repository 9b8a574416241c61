import {
  type LogicalType,
  type Message,
  observedType,
  SchemaError,
  type StreamDescriptor,
  trace,
  valueFits,
} from '@tributary/core';

/**
 * The type of a column made for a field that had none: the catalog's type when the value
 * fits it, else what the value shows (a text stays text: no guessing numbers from strings).
 */
export function newColumnType(declared: LogicalType | undefined, value: unknown): LogicalType {
  if (declared && valueFits(value, declared)) return declared;
  return observedType(value, declared ?? 'string');
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** What `schema_policy: freeze` throws, naming stream, field, column, types, record and value. */
export function frozenSchemaError(args: {
  stream: string;
  field: string;
  column: string | undefined;
  from: LogicalType | undefined;
  to: LogicalType;
  recordKey: string;
  value: unknown;
}): SchemaError {
  const who = args.recordKey ? `record ${args.recordKey}` : 'a record';
  const brings = `${who} brings ${args.to} ${shown(args.value)}`;
  const message = args.from
    ? `stream '${args.stream}': column '${args.column}' (field '${args.field}') is ${args.from}, ` +
      `${brings}; schema_policy freeze refuses to change the column`
    : `stream '${args.stream}': field '${args.field}' has no column, ${brings}; ` +
      'schema_policy freeze refuses to add one';
  const context: Record<string, unknown> = {
    stream: args.stream,
    field: args.field,
    toType: args.to,
    value: args.value,
  };
  if (args.column) context.column = args.column;
  if (args.from) context.fromType = args.from;
  if (args.recordKey) context.recordKey = args.recordKey;
  return new SchemaError(message, context);
}

/** The TRACE SCHEMA_CHANGE of a column added or widened. */
export function schemaChangeTrace(
  stream: StreamDescriptor,
  field: string,
  column: string,
  from: LogicalType | undefined,
  to: LogicalType,
): Message {
  return trace({
    type: 'SCHEMA_CHANGE',
    schema_change: {
      stream_descriptor: stream,
      change: from ? 'column_widened' : 'column_added',
      field,
      column,
      ...(from ? { from_type: from } : {}),
      to_type: to,
    },
  });
}
