import type { StreamSummary } from '@tributary/engine';

/** Left-aligned text columns, right-aligned numbers. */
export function table(headers: string[], rows: string[][], numeric: boolean[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The end-of-run table: one line per stream. */
export function summaryTable(streams: StreamSummary[]): string {
  return table(
    ['stream', 'read', 'committed', 'rejected', 'records/s', 'status'],
    streams.map((s) => [
      s.stream,
      String(s.read),
      String(s.committed),
      String(s.rejected + s.skipped),
      perSecond(s.recordsPerSecond),
      s.status,
    ]),
    [false, true, true, true, true, false],
  );
}

/** A rate as the engine gives it; `—` where it had too little time to tell one. */
export function perSecond(rate: number | null): string {
  return rate === null ? '—' : String(rate);
}

/** A count of records in words: "0 records", "1 record", "2 records". */
export function records(count: number): string {
  return count === 1 ? '1 record' : `${count} records`;
}

/** 1234 ms → "1.2s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
