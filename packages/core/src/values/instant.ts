import { DATE_TEXT, TIMESTAMP_TEXT } from './patterns.js';

/** A timestamp read from text: nanoseconds since the epoch, and whether it carried an offset. */
export interface ParsedTimestamp {
  epochNanos: bigint;
  hasOffset: boolean;
}

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Reads `2024-07-02T12:00:00.123456+02:00` (or without offset, or a bare date) exactly, to the
 * nanosecond. A timestamp without offset is read as if it were UTC: it compares correctly
 * with others without offset, and it must never be compared with one that has an offset.
 */
export function parseTimestamp(text: string): ParsedTimestamp | undefined {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) {
    const d = DATE_TEXT.exec(text);
    if (!d) return undefined;
    const seconds = civilToEpochSeconds(+d[1]!, +d[2]!, +d[3]!, 0, 0, 0);
    return seconds === undefined
      ? undefined
      : { epochNanos: seconds * NANOS_PER_SECOND, hasOffset: false };
  }
  const [, y, mo, d, h, mi, s, fraction, offset] = m;
  const seconds = civilToEpochSeconds(+y!, +mo!, +d!, +h!, +mi!, s ? +s : 0);
  if (seconds === undefined) return undefined;
  const nanos = fraction ? BigInt((fraction + '000000000').slice(0, 9)) : 0n;
  let offsetSeconds = 0n;
  if (offset && offset !== 'Z' && offset !== 'z') {
    const sign = offset[0] === '-' ? -1n : 1n;
    const digits = offset.slice(1).replace(':', '');
    const hours = BigInt(digits.slice(0, 2));
    const minutes = digits.length > 2 ? BigInt(digits.slice(2, 4)) : 0n;
    offsetSeconds = sign * (hours * 3600n + minutes * 60n);
  }
  return {
    epochNanos: (seconds - offsetSeconds) * NANOS_PER_SECOND + nanos,
    hasOffset: offset !== undefined,
  };
}

function civilToEpochSeconds(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
): bigint | undefined {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Number.isNaN(ms)) return undefined;
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d) return undefined; // 2024-02-31 and the like
  return BigInt(ms / 1000);
}

/** True for a valid calendar date `YYYY-MM-DD`. */
export function isDateText(text: string): boolean {
  const d = DATE_TEXT.exec(text);
  return d !== null && civilToEpochSeconds(+d[1]!, +d[2]!, +d[3]!, 0, 0, 0) !== undefined;
}

/** Formats an epoch-nanosecond instant as UTC text with microseconds: `…T12:00:00.000000Z`. */
export function formatInstantUtc(epochNanos: bigint): string {
  const micros = epochNanos / 1000n;
  const ms = Number(micros / 1000n);
  const extraMicros = Number(((micros % 1000n) + 1000n) % 1000n);
  const floorMs = extraMicros > 0 && micros < 0n ? ms - 1 : ms;
  const iso = new Date(floorMs).toISOString(); // 2024-07-02T12:00:00.000Z
  return `${iso.slice(0, 23)}${String(extraMicros).padStart(3, '0')}Z`;
}

/** The UTC text of a timestamp with microseconds, the form a text column compares correctly. */
export function normalizeTimestampUtc(text: string): string | undefined {
  const parsed = parseTimestamp(text);
  return parsed ? formatInstantUtc(parsed.epochNanos) : undefined;
}
