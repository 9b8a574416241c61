import type { LogicalType } from '@tributary/core';

/**
 * The Postgres type of each logical type. Exact types stay exact: big integers and decimals
 * are `numeric` without a typmod (any precision, the scale of each value kept), and a
 * timestamp without zone is `timestamp`, never shifted to the session's zone.
 */
const PG_TYPE: Record<LogicalType, string> = {
  boolean: 'boolean',
  integer: 'bigint',
  big_integer: 'numeric',
  decimal: 'numeric',
  number: 'double precision',
  date: 'date',
  timestamp_tz: 'timestamp with time zone',
  timestamp: 'timestamp without time zone',
  time: 'time without time zone',
  string: 'text',
  bytes: 'bytea',
  object: 'jsonb',
  array: 'jsonb',
  json: 'jsonb',
};

/** The column type for a logical type. */
export function pgTypeOf(type: LogicalType): string {
  return PG_TYPE[type];
}

/**
 * The logical type an existing column holds, read from its `format_type` text. A `numeric`
 * reads back as decimal (it holds every big integer too) and `jsonb` as json (it holds
 * objects and arrays). A type we did not create is held as text when written.
 */
export function logicalTypeOfPg(pgType: string): LogicalType {
  const base = pgType.replace(/\(.*\)/, '').trim();
  switch (base) {
    case 'boolean':
      return 'boolean';
    case 'bigint':
    case 'integer':
    case 'smallint':
      return 'integer';
    case 'numeric':
      return 'decimal';
    case 'double precision':
    case 'real':
      return 'number';
    case 'date':
      return 'date';
    case 'timestamp with time zone':
      return 'timestamp_tz';
    case 'timestamp without time zone':
      return 'timestamp';
    case 'time without time zone':
      return 'time';
    case 'bytea':
      return 'bytes';
    case 'jsonb':
    case 'json':
      return 'json';
    default:
      return 'string';
  }
}
