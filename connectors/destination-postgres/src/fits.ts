import { type LogicalType, TIMESTAMP_TEXT, valueFits } from '@tributary/core';

/**
 * core's `valueFits`, with a shortcut for the commonest timestamps. Reading a timestamp
 * exactly (core's `parseTimestamp`) costs BigInt work on every value, the largest CPU cost
 * of a bulk load; a value whose fields are plainly in range (day ≤ 28, hour ≤ 23, …) is a
 * valid instant without it. Anything else takes core's path, so the answer never differs.
 */
export function fits(value: unknown, type: LogicalType): boolean {
  if ((type === 'timestamp_tz' || type === 'timestamp') && typeof value === 'string') {
    const m = TIMESTAMP_TEXT.exec(value);
    if (m && plainlyValid(m) && (m[8] !== undefined) === (type === 'timestamp_tz')) return true;
  }
  return valueFits(value, type);
}

function plainlyValid(m: RegExpExecArray): boolean {
  const month = +m[2]!;
  const day = +m[3]!;
  const offset = m[8];
  const offsetOk = offset === undefined || offset === 'Z' || offset === 'z' || offset.length >= 5;
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 28 &&
    +m[4]! <= 23 &&
    +m[5]! <= 59 &&
    (m[6] === undefined || +m[6] <= 59) &&
    offsetOk
  );
}
