import {
  type LogicalType,
  normalizeTimestampUtc,
  schemaFor,
  TIMESTAMP_TEXT,
} from '@tributary/core';
import { parse as parseArray } from 'postgres-array';
import type { ResolvedType } from './catalog.js';

const LOGICAL_BY_NAME: Record<string, LogicalType> = {
  int2: 'integer',
  int4: 'integer',
  oid: 'integer',
  // bigint travels as exact digits: a JS number would round ids past 2^53.
  int8: 'big_integer',
  numeric: 'decimal',
  float4: 'number',
  float8: 'number',
  bool: 'boolean',
  date: 'date',
  timestamptz: 'timestamp_tz',
  timestamp: 'timestamp',
  time: 'time',
  json: 'json',
  jsonb: 'json',
  bytea: 'bytes',
};

/** The logical type of a resolved column type; anything without a closer match is a string. */
export function logicalTypeOf(type: ResolvedType): LogicalType {
  if (type.element) return 'array';
  if (type.enumLabels) return 'string';
  return LOGICAL_BY_NAME[type.name] ?? 'string';
}

/** The JSON Schema of a column: core's schema for its logical type, plus enum labels and items. */
export function columnSchema(type: ResolvedType, nullable: boolean): Record<string, unknown> {
  const schema = schemaFor(logicalTypeOf(type), nullable);
  if (type.enumLabels) {
    return { ...schema, enum: nullable ? [...type.enumLabels, null] : [...type.enumLabels] };
  }
  if (type.element) return { ...schema, items: columnSchema(type.element, true) };
  return schema;
}

/** Turns a column's text (as the server sends it) into its JSON value. */
export type Converter = (text: string) => unknown;

const identity: Converter = (text) => text;

function toNumber(text: string): unknown {
  const n = Number(text);
  // NaN and ±Infinity have no JSON number: the server's 'NaN', 'Infinity', '-Infinity' are
  // core's special values of a number, so the text travels as it is (never as null).
  return Number.isFinite(n) ? n : text;
}

/** `2024-03-01 10:00:00.5+00`: the server's form of a timestamptz in a UTC session. */
const UTC_TEXT = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/** Fraction padding by the number of digits the server wrote (0 to 6). */
const PAD = ['000000', '00000', '0000', '000', '00', '0', ''];

/**
 * `YYYY-MM-DD HH:MM:SS[.f…]+00` reshaped by position: a four-digit year (a dash at 4), a
 * space at 10 and `+00` at the end, else undefined. Slices, no regex: three per row.
 */
function utcReshape(s: string): string | undefined {
  const n = s.length;
  if (n < 22 || n > 29 || s.charCodeAt(4) !== 45 || s.charCodeAt(10) !== 32) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  if (s.charCodeAt(n - 3) !== 43 || s.charCodeAt(n - 2) !== 48 || s.charCodeAt(n - 1) !== 48)
    return undefined;
  if (n === 22) return `${s.slice(0, 10)}T${s.slice(11, 19)}.000000Z`;
  if (s.charCodeAt(19) !== 46 || n === 23) return undefined;
  return `${s.slice(0, 10)}T${s.slice(11, n - 3)}${PAD[n - 23]}Z`;
}

function toTimestampTz(text: string): unknown {
  // The session's TimeZone is UTC, so this only reshapes the text into core's UTC form with
  // six fraction digits. The fast path is a plain reshape (the general parser costs ~10x on
  // wide tables); anything else goes through core, and what it cannot read stays as the
  // server wrote it: '±infinity' is core's special value, a BC date has no core form.
  const quick = utcReshape(text);
  if (quick !== undefined) return quick;
  const m = UTC_TEXT.exec(text);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0')}Z`;
  return normalizeTimestampUtc(text) ?? text;
}

function toTimestamp(text: string): unknown {
  // Never shifted: only the separator changes, the digits stay as the server wrote them.
  return TIMESTAMP_TEXT.test(text) ? text.replace(' ', 'T') : text;
}

function toBase64(text: string): unknown {
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex').toString('base64') : text;
}

/** The converter of a resolved column type. */
export function converterFor(type: ResolvedType): Converter {
  if (type.element) {
    const element = converterFor(type.element);
    return (text) => parseArray(text, element);
  }
  if (type.enumLabels) return identity;
  switch (LOGICAL_BY_NAME[type.name]) {
    case 'integer':
    case 'number':
      return toNumber;
    case 'boolean':
      return (text) => text === 't';
    case 'timestamp_tz':
      return toTimestampTz;
    case 'timestamp':
      return toTimestamp;
    case 'json':
      return (text) => JSON.parse(text) as unknown;
    case 'bytes':
      return toBase64;
    default:
      return identity;
  }
}

/** A state value as a query parameter of the column's type: base64 bytes go back to hex. */
export function toParameter(value: unknown, type: LogicalType): unknown {
  if (type === 'bytes' && typeof value === 'string') {
    return `\\x${Buffer.from(value, 'base64').toString('hex')}`;
  }
  if (type === 'json' || type === 'object') return JSON.stringify(value);
  return value;
}
