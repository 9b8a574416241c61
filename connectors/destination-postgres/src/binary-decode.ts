import type { LogicalType } from '@tributary/core';
import { BINARY_HEADER, BINARY_TRAILER } from './binary-rows.js';

/**
 * Reading a binary COPY chunk back, for the rare chunk Postgres refuses: it is split into
 * its rows to retry one by one, and a refused row is turned back into the record it came
 * from, for the error and the REJECT. Only the types `binaryEncoder` writes are read.
 */

/** The tuples of a sealed chunk, each as its own bytes (header and trailer left out). */
export function binaryTuples(chunk: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let p = BINARY_HEADER.length;
  while (p < chunk.length) {
    const fields = chunk.readInt16BE(p);
    if (fields < 0) break;
    const start = p;
    p += 2;
    for (let f = 0; f < fields; f++) {
      const len = chunk.readInt32BE(p);
      p += 4 + Math.max(0, len);
    }
    out.push(chunk.subarray(start, p));
  }
  return out;
}

/** A chunk of one tuple. */
export function binaryChunkOf(tuple: Buffer): Buffer {
  return Buffer.concat([BINARY_HEADER, tuple, BINARY_TRAILER]);
}

const PG_EPOCH_MS = 10957 * 86_400_000;

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Microseconds since 2000 as core's text: `…T12:00:00.000000Z` (or without the Z). A year
 * past 9999 keeps its digits; one before 1 AD is written the way Postgres reads it, with BC.
 */
function timestampText(micros: bigint, zone: string): string {
  const ms = micros / 1000n;
  let rest = Number(micros - ms * 1000n);
  let whole = Number(ms);
  if (rest < 0) {
    rest += 1000;
    whole -= 1;
  }
  const d = new Date(whole + PG_EPOCH_MS);
  const y = d.getUTCFullYear();
  const day = `${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
  const time = d.toISOString().slice(-13, -1);
  if (y < 1) return `${pad(1 - y, 4)}-${day} ${time}${pad(rest, 3)}${zone ? '+00' : ''} BC`;
  return `${pad(y, 4)}-${day}T${time}${pad(rest, 3)}${zone}`;
}

function numericText(b: Buffer): string {
  const digits = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const scale = b.readUInt16BE(6);
  let int = '';
  for (let k = 0; k <= weight; k++) {
    const group = k < digits ? b.readInt16BE(8 + 2 * k) : 0;
    int += k === 0 ? String(group) : pad(group, 4);
  }
  let frac = '';
  for (let k = weight + 1; frac.length < scale; k++) {
    const group = k >= 0 && k < digits ? b.readInt16BE(8 + 2 * k) : 0;
    frac += pad(group, 4);
  }
  const text = `${int || '0'}${scale > 0 ? `.${frac.slice(0, scale)}` : ''}`;
  return sign === 0x4000 ? `-${text}` : text;
}

function fieldValue(b: Buffer, type: LogicalType): unknown {
  switch (type) {
    case 'integer':
      return Number(b.readBigInt64BE(0));
    case 'number':
      return b.readDoubleBE(0);
    case 'boolean':
      return b[0] !== 0;
    case 'decimal':
    case 'big_integer':
      return numericText(b);
    case 'timestamp_tz':
      return timestampText(b.readBigInt64BE(0), 'Z');
    case 'timestamp':
      return timestampText(b.readBigInt64BE(0), '');
    case 'date':
      return new Date(b.readInt32BE(0) * 86_400_000 + PG_EPOCH_MS).toISOString().slice(0, 10);
    case 'time': {
      const micros = Number(b.readBigInt64BE(0));
      const text = new Date(Math.floor(micros / 1000)).toISOString().slice(11, 23);
      return `${text}${pad(micros % 1000, 3)}`;
    }
    case 'bytes':
      return b.toString('base64');
    case 'object':
    case 'array':
    case 'json':
      return JSON.parse(b.subarray(1).toString('utf8'));
    default:
      return b.toString('utf8');
  }
}

/** The record a tuple was made from, as far as its columns hold it (nulls left out). */
export function decodeTuple(
  tuple: Buffer,
  columns: readonly { field: string; type: LogicalType }[],
): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  let p = 2;
  for (const column of columns) {
    const len = tuple.readInt32BE(p);
    p += 4;
    if (len < 0) continue;
    data[column.field] = fieldValue(tuple.subarray(p, p + len), column.type);
    p += len;
  }
  return data;
}
