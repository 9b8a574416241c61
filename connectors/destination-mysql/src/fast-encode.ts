import { isCanonicalDecimal, type LogicalType } from '@tributary/core';
import type { ColumnInfo } from './physical.js';

/**
 * A column's shortcut from a value to the text sent for it, for the value shapes that are
 * common and certainly fit: undefined means "take the general path" (type check, widening,
 * physical check), never "refuse". Built once per column shape, run once per value, so each
 * is a few char-code tests and no regex or new object.
 */
export type FastEncoder = (value: unknown) => string | undefined;

const TEXT_BYTES: Record<string, number> = {
  text: 65_535,
  mediumtext: 16_777_215,
  longtext: 4_294_967_295,
};

export function fastEncoder(type: LogicalType, info: ColumnInfo): FastEncoder | undefined {
  const dataType = info.dataType;
  switch (type) {
    case 'integer':
      if (dataType !== 'bigint') return undefined;
      return (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? `${v}` : undefined);
    case 'number':
      if (dataType !== 'double') return undefined;
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? `${v}` : undefined);
    case 'boolean':
      return (v) => (v === true ? '1' : v === false ? '0' : undefined);
    case 'decimal': {
      if (dataType !== 'decimal' || info.precision === null || info.scale === null) return;
      const whole = info.precision - info.scale;
      const scale = info.scale;
      return (v) => (typeof v === 'string' && decimalFits(v, whole, scale) ? v : undefined);
    }
    case 'timestamp_tz':
      if (dataType !== 'datetime') return undefined;
      // `…T…Z` without the Z: MySQL reads the T form as DATETIME, the value already in UTC.
      return (v) =>
        typeof v === 'string' && utcShape(v, true) ? v.slice(0, v.length - 1) : undefined;
    case 'timestamp':
      if (dataType !== 'datetime') return undefined;
      return (v) => (typeof v === 'string' && utcShape(v, false) ? v : undefined);
    case 'string': {
      if (info.charset !== 'utf8mb4') return undefined;
      const bytes = TEXT_BYTES[dataType];
      // Three bytes per UTF-16 unit at most: a shorter string fits without counting.
      if (bytes !== undefined) {
        const maxLength = Math.floor(bytes / 3);
        return (v) => (typeof v === 'string' && v.length <= maxLength ? v : undefined);
      }
      if (dataType === 'varchar' && info.charMax !== null) {
        const maxLength = info.charMax;
        return (v) => (typeof v === 'string' && v.length <= maxLength ? v : undefined);
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * A decimal text core lets into a numeric column (`"007"` it does not: DECIMAL would keep 7)
 * with at most `whole` whole and `scale` fraction digits.
 */
function decimalFits(v: string, whole: number, scale: number): boolean {
  if (!isCanonicalDecimal(v)) return false;
  const dot = v.indexOf('.');
  const wholeEnd = dot < 0 ? v.length : dot;
  const wholeDigits = wholeEnd - (v.charCodeAt(0) === 45 ? 1 : 0);
  return wholeDigits <= whole && (dot < 0 ? 0 : v.length - dot - 1) <= scale;
}

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.ffffff]` followed by `Z` when `zulu`, nothing otherwise: the
 * forms MySQL reads unchanged. More than six fraction digits take the general path.
 */
function utcShape(v: string, zulu: boolean): boolean {
  const n = v.length - (zulu ? 1 : 0);
  if (n < 19 || n > 26 || n === 20) return false;
  if (zulu && v.charCodeAt(n) !== 90) return false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    switch (i) {
      case 4:
      case 7:
        if (c !== 45) return false;
        break;
      case 10:
        if (c !== 84 && c !== 32) return false;
        break;
      case 13:
      case 16:
        if (c !== 58) return false;
        break;
      case 19:
        if (c !== 46) return false;
        break;
      default:
        if (!isDigit(c)) return false;
    }
  }
  return true;
}
