import type { LogicalType } from '@tributary/core';

/** A column as information_schema describes it. */
export interface ColumnInfo {
  name: string;
  /** Lower-case DATA_TYPE: `bigint`, `varchar`, `mediumtext`, `decimal`, … */
  dataType: string;
  /** Characters for VARCHAR/CHAR; bytes for the TEXT family. */
  charMax: number | null;
  precision: number | null;
  scale: number | null;
  charset: string | null;
}

/** InnoDB's index key limit is 3072 bytes: 768 four-byte characters. */
export const MAX_KEY_CHARS = 768;
const DEFAULT_KEY_CHARS = 255;
const MAX_DECIMAL_PRECISION = 65;
const MAX_DECIMAL_SCALE = 30;
/** Whole digits a new decimal column gets at least, so small growth needs no ALTER. */
const DEFAULT_DECIMAL_WHOLE = 20;
const DEFAULT_DECIMAL_SCALE = 9;

const TEXT_LEVELS: Array<[string, number]> = [
  ['text', 65_535],
  ['mediumtext', 16_777_215],
  ['longtext', 4_294_967_295],
];
const TEXT_TYPES = new Set(['tinytext', 'text', 'mediumtext', 'longtext', 'json']);
const CHAR_TYPES = new Set(['varchar', 'char']);

/** The character set and collation of every text column this destination makes. */
function utf8mb4(collation: string): string {
  return ` CHARACTER SET utf8mb4 COLLATE ${collation}`;
}

/** Logical types held as text in MySQL (and so sized in characters or bytes). */
export function isTextual(type: LogicalType): boolean {
  return (
    type === 'string' ||
    type === 'bytes' ||
    type === 'object' ||
    type === 'array' ||
    type === 'json'
  );
}

/** The digits of a decimal literal: whole digits (at least 1) and scale (fraction digits). */
export function decimalDigits(text: string): { whole: number; scale: number } {
  // Per value on the hot path: index arithmetic, no regex and no new strings.
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end - 1) <= 32) end--;
  const sign = text.charCodeAt(start);
  if (sign === 45 || sign === 43) start++;
  while (start < end && text.charCodeAt(start) === 48) start++;
  const dot = text.indexOf('.', start);
  const wholeEnd = dot < 0 || dot >= end ? end : dot;
  const scale = dot < 0 || dot >= end ? 0 : end - dot - 1;
  return { whole: Math.max(wholeEnd - start, 1), scale };
}

function decimalSql(whole: number, scale: number): string | undefined {
  if (scale > MAX_DECIMAL_SCALE || whole + scale > MAX_DECIMAL_PRECISION) return undefined;
  const w = Math.max(whole, Math.min(DEFAULT_DECIMAL_WHOLE, MAX_DECIMAL_PRECISION - scale));
  return `DECIMAL(${w + scale},${scale})`;
}

function textSql(bytes: number, collation: string): string {
  const level = TEXT_LEVELS.find(([, max]) => bytes <= max) ?? TEXT_LEVELS[2]!;
  return `${level[0].toUpperCase()}${utf8mb4(collation)}`;
}

/**
 * The column type for a logical type on a new column. `sample` is the first value's text
 * (sizes a decimal or a key VARCHAR from the data); key columns must be indexable; text
 * columns get `collation`.
 */
export function sqlTypeFor(
  type: LogicalType,
  key: boolean,
  sample: string | undefined,
  collation: string,
): string {
  if (key && (isTextual(type) || type === 'time')) {
    const chars = sample ? [...sample].length : 0;
    const length = Math.min(MAX_KEY_CHARS, Math.max(DEFAULT_KEY_CHARS, chars));
    return `VARCHAR(${length})${utf8mb4(collation)}`;
  }
  switch (type) {
    case 'boolean':
      return 'TINYINT(1)';
    case 'integer':
      return 'BIGINT';
    case 'big_integer':
      return 'DECIMAL(65,0)';
    case 'decimal': {
      const d = sample ? decimalDigits(sample) : { whole: 1, scale: DEFAULT_DECIMAL_SCALE };
      return decimalSql(d.whole, d.scale) ?? 'DECIMAL(65,30)';
    }
    case 'number':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'timestamp_tz':
    case 'timestamp':
      return 'DATETIME(6)';
    case 'time':
      return 'TIME(6)';
    case 'object':
    case 'array':
    case 'json':
      return 'JSON';
    default:
      return textSql(sample ? Buffer.byteLength(sample) : 0, collation);
  }
}

/** Why a column cannot hold a value as it is, and the type that would. */
export interface PhysicalGap {
  reason: string;
  /** The wider column type; undefined when no MySQL column of this kind can hold the value. */
  widerSql: string | undefined;
}

/**
 * Checks the physical side of a value a column's logical type already accepts: the
 * character set, a VARCHAR's length, a TEXT's bytes, a DECIMAL's digits. `text` is the value
 * as it is sent to the server; a wider text column gets `collation`. Returns undefined when it
 * fits.
 */
export function physicalGap(
  info: ColumnInfo,
  type: LogicalType,
  key: boolean,
  text: string,
  collation: string,
): PhysicalGap | undefined {
  const dataType = info.dataType;
  if (CHAR_TYPES.has(dataType) || TEXT_TYPES.has(dataType)) {
    const charsetGap = charsetProblem(info, text);
    if (charsetGap) return { reason: charsetGap, widerSql: retypeText(info, text, key, collation) };
    if (CHAR_TYPES.has(dataType)) {
      const max = info.charMax ?? 0;
      if (text.length <= max) return undefined;
      const chars = [...text].length;
      if (chars <= max) return undefined;
      return {
        reason: `a value of ${chars} characters does not fit ${dataType.toUpperCase()}(${max})`,
        widerSql: retypeText(info, text, key, collation),
      };
    }
    const max = info.charMax ?? 0;
    if (text.length * 3 <= max) return undefined;
    const bytes = Buffer.byteLength(text);
    if (bytes <= max) return undefined;
    return {
      reason: `a value of ${bytes} bytes does not fit ${dataType.toUpperCase()}`,
      widerSql: retypeText(info, text, key, collation),
    };
  }
  if (dataType === 'decimal' && (type === 'decimal' || type === 'big_integer')) {
    const { whole, scale } = decimalDigits(text);
    const p = info.precision ?? 10;
    const s = info.scale ?? 0;
    if (whole <= p - s && scale <= s) return undefined;
    return {
      reason: `${text} needs ${whole} whole and ${scale} fraction digits; column is DECIMAL(${p},${s})`,
      widerSql: decimalSql(Math.max(whole, p - s), Math.max(scale, s)),
    };
  }
  return undefined;
}

function charsetProblem(info: ColumnInfo, text: string): string | undefined {
  const cs = info.charset;
  if (!cs || cs === 'utf8mb4' || cs === 'binary') return undefined;
  const needsWide = cs === 'utf8mb3' || cs === 'utf8' ? /[\uD800-\uDFFF]/ : /[^ -~\t\n\r]/;
  if (!needsWide.test(text)) return undefined;
  return `character set ${cs} cannot hold the value's characters (needs utf8mb4)`;
}

/** A text type as wide as needed for `text`, in utf8mb4. */
function retypeText(
  info: ColumnInfo,
  text: string,
  key: boolean,
  collation: string,
): string | undefined {
  if (CHAR_TYPES.has(info.dataType) || key) {
    const chars = [...text].length;
    if (chars > MAX_KEY_CHARS && key) return undefined;
    if (chars > MAX_KEY_CHARS) return textSql(Buffer.byteLength(text), collation);
    const grown = Math.max(
      chars,
      info.charMax ?? 0,
      Math.min(MAX_KEY_CHARS, (info.charMax ?? 0) * 2),
    );
    return `VARCHAR(${Math.min(MAX_KEY_CHARS, grown)})${utf8mb4(collation)}`;
  }
  const current = TEXT_LEVELS.findIndex(([name]) => name === info.dataType);
  const needed = TEXT_LEVELS.findIndex(([, max]) => Buffer.byteLength(text) <= max);
  const level = TEXT_LEVELS[Math.max(current, needed < 0 ? 2 : needed)] ?? TEXT_LEVELS[2]!;
  return `${level[0].toUpperCase()}${utf8mb4(collation)}`;
}

/** A logical type read from a column this destination did not create (no column map entry). */
export function logicalFromInfo(info: ColumnInfo, declared: LogicalType | undefined): LogicalType {
  switch (info.dataType) {
    case 'tinyint':
      return declared === 'boolean' ? 'boolean' : 'integer';
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'bigint':
      return 'integer';
    case 'decimal':
      return info.scale === 0 ? 'big_integer' : 'decimal';
    case 'double':
    case 'float':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
    case 'timestamp':
      return declared === 'timestamp' ? 'timestamp' : 'timestamp_tz';
    case 'time':
      return 'time';
    case 'json':
      return 'json';
    default:
      return 'string';
  }
}
