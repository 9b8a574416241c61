import type { Message, StateMessage } from '@tributary/core';

/** A record's data with keys sorted, so two records compare as text whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => {
    if (typeof v === 'bigint') return v.toString();
    if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Every message of an async iterable, in order. */
export async function collect<T>(messages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const message of messages) out.push(message);
  return out;
}

/** RECORD data grouped by stream name. */
export function recordsByStream(messages: Message[]): Map<string, Array<Record<string, unknown>>> {
  const byStream = new Map<string, Array<Record<string, unknown>>>();
  for (const m of messages) {
    if (m.type !== 'RECORD') continue;
    const list = byStream.get(m.record.stream) ?? [];
    list.push(m.record.data);
    byStream.set(m.record.stream, list);
  }
  return byStream;
}

/** The STATE messages, in order. */
export function statesOf(messages: Message[]): StateMessage[] {
  return messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
}

/** The streams a state speaks for: one for a STREAM state, each of a GLOBAL state's. */
export function stateStreams(state: StateMessage): string[] {
  if (state.stream) return [state.stream.stream_descriptor.name];
  if (state.global) return state.global.stream_states.map((s) => s.stream_descriptor.name);
  return [];
}

/**
 * Fails, naming the stream and each record missing or unexpected, unless both lists hold the
 * same records (order aside, duplicates counted).
 */
export function assertSameRecords(
  stream: string,
  actual: ReadonlyArray<Record<string, unknown>>,
  expected: ReadonlyArray<Record<string, unknown>>,
  what: string,
): void {
  const remaining = new Map<string, number>();
  for (const r of expected) remaining.set(canonical(r), (remaining.get(canonical(r)) ?? 0) + 1);
  const unexpected: string[] = [];
  for (const r of actual) {
    const key = canonical(r);
    const left = remaining.get(key) ?? 0;
    if (left > 0) remaining.set(key, left - 1);
    else unexpected.push(key);
  }
  const missing = [...remaining].flatMap(([key, n]) => Array<string>(n).fill(key));
  if (missing.length === 0 && unexpected.length === 0) return;
  const lines = [
    `stream '${stream}': ${what}: ${actual.length} records, expected ${expected.length}`,
    ...missing.slice(0, 10).map((r) => `  missing (expected): ${r}`),
    ...unexpected.slice(0, 10).map((r) => `  unexpected: ${r}`),
  ];
  if (missing.length > 10 || unexpected.length > 10) lines.push('  …');
  throw new Error(lines.join('\n'));
}
