import type { LogicalType } from '@tributary/core';

/** COPY's text format marks NULL with `\N`. */
export const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Escapes a field for COPY's text format: a backslash, tab, newline or carriage return in a
 * value would otherwise end the field or the row, or start an escape.
 */
export function escapeCopy(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : text;
}

/**
 * Postgres refuses U+0000 in text and in jsonb (`\u0000` is an unsupported escape). The
 * character is dropped; `onNul` lets the caller warn once per stream.
 */
function withoutNul(text: string, onNul: () => void): string {
  if (!text.includes('\u0000')) return text;
  onNul();
  return text.replaceAll('\u0000', '');
}

function stripNulDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (Array.isArray(value)) return value.map(stripNulDeep);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k.replaceAll('\u0000', '')] = stripNulDeep(v);
    return out;
  }
  return value;
}

export function jsonText(value: unknown, onNul: () => void): string {
  const text = JSON.stringify(value);
  // JSON.stringify writes U+0000 as the six characters \u0000; only then walk the value.
  if (!text.includes('\\u0000')) return text;
  onNul();
  return JSON.stringify(stripNulDeep(value));
}

/**
 * The text Postgres parses for a non-null value bound for a column of the logical type,
 * before COPY escaping. The value already fits the column (core's `valueFits`).
 */
export function pgText(value: unknown, type: LogicalType, onNul: () => void): string {
  switch (type) {
    case 'boolean':
      return value === true ? 't' : 'f';
    case 'object':
    case 'array':
    case 'json':
      return jsonText(value, onNul);
    case 'bytes':
      return `\\x${Buffer.from(String(value), 'base64').toString('hex')}`;
    case 'string':
    case 'time':
      return withoutNul(typeof value === 'string' ? value : JSON.stringify(value), onNul);
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

/** One COPY field: `\N` for null or absent, else the escaped text. */
export function copyField(value: unknown, type: LogicalType, onNul: () => void): string {
  if (value === null || value === undefined) return COPY_NULL;
  return escapeCopy(pgText(value, type, onNul));
}

const UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' };

function fromPgText(text: string, type: LogicalType): unknown {
  switch (type) {
    case 'integer':
      return Number(text);
    case 'number': {
      // NaN and ±Infinity have no JSON number: they go back to core's strings.
      const n = Number(text);
      return Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return text === 't';
    case 'object':
    case 'array':
    case 'json':
      return JSON.parse(text);
    case 'bytes':
      return Buffer.from(text.slice(2), 'hex').toString('base64');
    default:
      return text;
  }
}

/**
 * The record a COPY line was made from, as far as its columns hold it (nulls left out). A
 * chunk keeps only its lines, not its records, so that they die young; the rare refused row
 * is rebuilt from its line for the error and the REJECT.
 */
export function decodeLine(
  line: string,
  columns: readonly { field: string; type: LogicalType }[],
): Record<string, unknown> {
  const parts = line.split('\t');
  const data: Record<string, unknown> = {};
  columns.forEach((column, i) => {
    const raw = parts[i];
    if (raw === undefined || raw === COPY_NULL) return;
    const text = raw.replace(/\\[\\tnr]/g, (e) => UNESCAPES[e]!);
    data[column.field] = fromPgText(text, column.type);
  });
  return data;
}
