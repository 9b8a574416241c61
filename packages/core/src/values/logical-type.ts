/**
 * How values travel, defined once for every connector. A field's JSON Schema says which
 * logical type it holds; the value itself is always plain JSON, identical in process and on
 * the wire. Exact numbers that a JS number cannot hold travel as strings, and never as a
 * JS Date: timestamps are strings that keep their digits and their offset (or its absence).
 * Values JSON has no literal for (NaN, infinities) are the strings of `special.ts`.
 *
 * | logical type  | JSON Schema                                                        | value            |
 * |---------------|--------------------------------------------------------------------|------------------|
 * | boolean       | `{type: boolean}`                                                  | true / false     |
 * | integer       | `{type: integer}`                                                  | safe JS integer  |
 * | big_integer   | `{type: string, airbyte_type: big_integer}`                        | "123…" digits    |
 * | decimal       | `{type: string, format: decimal}`                                  | "12.50", scale kept; "NaN", "Infinity", "-Infinity" |
 * | number        | `{type: number}`                                                   | JS number; "NaN", "Infinity", "-Infinity" |
 * | date          | `{type: string, format: date}`                                     | "2024-03-01"; "infinity", "-infinity" |
 * | timestamp_tz  | `{type: string, format: date-time, airbyte_type: timestamp_with_timezone}` | "2024-03-01T10:00:00.123456+02:00"; "infinity", "-infinity" |
 * | timestamp     | `{type: string, format: date-time, airbyte_type: timestamp_without_timezone}` | "2024-03-01T10:00:00.123456"; "infinity", "-infinity" |
 * | time          | `{type: string, format: time}`                                     | "10:00:00.5"     |
 * | string        | `{type: string}`                                                   | text             |
 * | bytes         | `{type: string, contentEncoding: base64}`                          | base64 text      |
 * | object, array | `{type: object}`, `{type: array}`                                  | JSON             |
 * | json          | `{}` (anything)                                                    | JSON             |
 */
export type LogicalType =
  | 'boolean'
  | 'integer'
  | 'big_integer'
  | 'decimal'
  | 'number'
  | 'date'
  | 'timestamp_tz'
  | 'timestamp'
  | 'time'
  | 'string'
  | 'bytes'
  | 'object'
  | 'array'
  | 'json';

/** Every logical type, for option schemas and `--help` texts. */
export const LOGICAL_TYPES: readonly LogicalType[] = [
  'boolean',
  'integer',
  'big_integer',
  'decimal',
  'number',
  'date',
  'timestamp_tz',
  'timestamp',
  'time',
  'string',
  'bytes',
  'object',
  'array',
  'json',
];

/** A field's logical type and whether it may be null. */
export interface FieldType {
  type: LogicalType;
  nullable: boolean;
}

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of a field of this logical type. */
export function schemaFor(type: LogicalType, nullable = true): JsonSchema {
  const schema = baseSchema(type);
  if (!nullable || type === 'json') return schema;
  return { ...schema, type: [schema.type as string, 'null'] };
}

function baseSchema(type: LogicalType): JsonSchema {
  switch (type) {
    case 'boolean':
    case 'integer':
    case 'number':
    case 'string':
    case 'object':
    case 'array':
      return { type };
    case 'big_integer':
      return { type: 'string', airbyte_type: 'big_integer' };
    case 'decimal':
      return { type: 'string', format: 'decimal' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'timestamp_tz':
      return { type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' };
    case 'timestamp':
      return { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' };
    case 'time':
      return { type: 'string', format: 'time', airbyte_type: 'time_without_timezone' };
    case 'bytes':
      return { type: 'string', contentEncoding: 'base64' };
    case 'json':
      return {};
  }
}

/** Reads a field's JSON Schema back into its logical type; unknown shapes are `json`. */
export function fieldTypeOf(schema: unknown): FieldType {
  if (!schema || typeof schema !== 'object') return { type: 'json', nullable: true };
  const s = schema as JsonSchema;
  const declared = Array.isArray(s.type) ? (s.type as string[]) : s.type ? [s.type as string] : [];
  const nullable = declared.length === 0 || declared.includes('null');
  const concrete = declared.filter((t) => t !== 'null');
  if (concrete.length !== 1) {
    // An Airbyte-style `number` with `airbyte_type: integer`, or a union we cannot narrow.
    return { type: 'json', nullable };
  }
  const base = concrete[0];
  const airbyteType = s.airbyte_type;
  switch (base) {
    case 'boolean':
      return { type: 'boolean', nullable };
    case 'integer':
      return { type: 'integer', nullable };
    case 'number':
      return { type: airbyteType === 'integer' ? 'integer' : 'number', nullable };
    case 'object':
      return { type: 'object', nullable };
    case 'array':
      return { type: 'array', nullable };
    case 'string':
      return { type: stringLogicalType(s), nullable };
    default:
      return { type: 'json', nullable };
  }
}

function stringLogicalType(s: JsonSchema): LogicalType {
  if (s.airbyte_type === 'big_integer') return 'big_integer';
  if (s.format === 'decimal') return 'decimal';
  if (s.format === 'date') return 'date';
  if (s.format === 'date-time') {
    return s.airbyte_type === 'timestamp_without_timezone' ? 'timestamp' : 'timestamp_tz';
  }
  if (s.format === 'time') return 'time';
  if (s.contentEncoding === 'base64') return 'bytes';
  return 'string';
}

/** The top-level fields of a stream's JSON Schema with their logical types, in order. */
export function fieldsOf(streamSchema: unknown): Map<string, FieldType> {
  const fields = new Map<string, FieldType>();
  const properties = (streamSchema as { properties?: Record<string, unknown> } | undefined)
    ?.properties;
  if (!properties) return fields;
  for (const [name, schema] of Object.entries(properties)) fields.set(name, fieldTypeOf(schema));
  return fields;
}

const NUMERIC_RANK: Partial<Record<LogicalType, number>> = {
  integer: 0,
  big_integer: 1,
  decimal: 2,
};

/**
 * The narrowest type that holds every value of both: integer → big_integer → decimal, integer
 * → number, date → timestamp, object + array → json, anything else → string. Widening never
 * loses a value: every value of either type has a text form in the result.
 */
export function widen(a: LogicalType, b: LogicalType): LogicalType {
  if (a === b) return a;
  const ra = NUMERIC_RANK[a];
  const rb = NUMERIC_RANK[b];
  if (ra !== undefined && rb !== undefined) return ra > rb ? a : b;
  if (a === 'number' || b === 'number') {
    const other = a === 'number' ? b : a;
    if (other === 'integer') return 'number';
    if (other === 'big_integer' || other === 'decimal') return 'decimal';
  }
  if (a === 'date' || b === 'date') {
    const other = a === 'date' ? b : a;
    if (other === 'timestamp' || other === 'timestamp_tz') return other;
  }
  if (
    (a === 'object' || a === 'array' || a === 'json') &&
    (b === 'object' || b === 'array' || b === 'json')
  ) {
    return 'json';
  }
  return 'string';
}
