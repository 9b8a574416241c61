import { appendFileSync } from 'node:fs';
import type { Message, StateMessage } from '@tributary/core';
import { afterAll, describe, expect, it } from 'vitest';
import { cursors, one, records, states, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const incremental = { sync_mode: 'incremental' as const, primary_key: [['id']] };

function rejects(messages: Message[]) {
  return messages.flatMap((m) =>
    m.type === 'TRACE' && m.trace.type === 'REJECT' ? [m.trace.reject] : [],
  );
}

function lastState(messages: Message[]): StateMessage {
  return states(messages).at(-1)!;
}

describe('the cursor keeps its type when later values change the column type', () => {
  it('CSV: a text among numbers is a bad record, 10 and 11 are sent, the cursor stays 11', async () => {
    const path = tmp.write('cur3.csv', 'id,u\n1,5\n2,9\n');
    const config = one(path, { cursor_field: 'u', primary_key: ['id'] });
    const run1 = await sync(config, incremental);
    expect(records(run1.messages)).toEqual([
      { id: 1, u: 5 },
      { id: 2, u: 9 },
    ]);
    expect(cursors(run1.messages).at(-1)).toBe(9);

    appendFileSync(path, '3,10\n4,11\n5,n/a\n');
    const saved = [lastState(run1.messages)];
    await expect(sync(config, { ...incremental, states: saved })).rejects.toThrow(
      "stream 's', file '" +
        path +
        "' line 6, column 'u': cursor field 'u' has value \"n/a\", not a number like the " +
        "stream's cursor (integer), so the record cannot be placed",
    );

    const run2 = await sync(config, { ...incremental, states: saved, on_bad_record: 'reject' });
    expect(records(run2.messages).map((r) => [r.id, Number(r.u)])).toEqual([
      [3, 10],
      [4, 11],
    ]);
    expect(rejects(run2.messages)).toEqual([
      expect.objectContaining({ code: 'bad_record', line: 6, field: 'u', raw: '5,n/a' }),
    ]);
    expect(lastState(run2.messages).stream!.stream_state).toEqual({
      cursor: 11,
      keys_at_cursor: ['id=4'],
    });

    // A later numeric row is still placed by number.
    appendFileSync(path, '6,12\n');
    const run3 = await sync(config, {
      ...incremental,
      states: [lastState(run2.messages)],
      on_bad_record: 'skip',
    });
    expect(records(run3.messages).map((r) => [r.id, Number(r.u)])).toEqual([[6, 12]]);
    expect(cursors(run3.messages).at(-1)).toBe(12);
  });

  it('a first run decides the type by its first cursor value', async () => {
    const path = tmp.write('first.csv', 'id,u\n1,5\n2,n/a\n3,10\n');
    const config = one(path, { cursor_field: 'u', primary_key: ['id'] });
    const run = await sync(config, { ...incremental, on_bad_record: 'skip' });
    expect(records(run.messages).map((r) => r.id)).toEqual([1, 3]);
    expect(lastState(run.messages).stream!.stream_state).toEqual({
      cursor: 10,
      keys_at_cursor: ['id=3'],
    });
  });

  it('JSONL: numbers given as JSON strings compare as numbers', async () => {
    const path = tmp.write('cur.jsonl', '{"id":1,"u":5}\n{"id":2,"u":9}\n');
    const config = one(path, { cursor_field: 'u', primary_key: ['id'] });
    const run1 = await sync(config, incremental);
    expect(cursors(run1.messages).at(-1)).toBe(9);

    appendFileSync(path, '{"id":3,"u":"10"}\n{"id":4,"u":100}\n');
    const run2 = await sync(config, { ...incremental, states: [lastState(run1.messages)] });
    expect(records(run2.messages).map((r) => [r.id, Number(r.u)])).toEqual([
      [3, 10],
      [4, 100],
    ]);
    expect(lastState(run2.messages).stream!.stream_state).toEqual({
      cursor: 100,
      keys_at_cursor: ['id=4'],
    });
  });

  it('timestamps compare as instants whatever their offset or spelling', async () => {
    const path = tmp.write('ts.csv', 'id,u\n1,2024-01-02T05:00:00+02:00\n');
    const config = one(path, { cursor_field: 'u', primary_key: ['id'] });
    const run1 = await sync(config, incremental);
    expect(cursors(run1.messages).at(-1)).toBe('2024-01-02T05:00:00+02:00');

    // 03:00Z is saved; 04:00Z is later, and so is 04:00 without offset (read as UTC).
    appendFileSync(path, '2,2024-01-02T02:30:00Z\n3,2024-01-02T04:00:00Z\n4,2024-01-02 04:00:00\n');
    const run2 = await sync(config, { ...incremental, states: [lastState(run1.messages)] });
    expect(records(run2.messages)).toEqual([
      { id: 3, u: '2024-01-02T04:00:00Z' },
      { id: 4, u: '2024-01-02 04:00:00' },
    ]);
    expect(lastState(run2.messages).stream!.stream_state).toEqual({
      cursor: '2024-01-02T04:00:00Z',
      keys_at_cursor: ['id=3', 'id=4'],
    });
  });

  it('a text among timestamps is a bad record and never the cursor', async () => {
    const path = tmp.write('ts-bad.csv', 'id,u\n1,2024-01-02T05:00:00+02:00\n2,soon\n');
    const config = one(path, { cursor_field: 'u', primary_key: ['id'] });
    const run = await sync(config, { ...incremental, on_bad_record: 'reject' });
    expect(records(run.messages).map((r) => r.id)).toEqual([1]);
    expect(rejects(run.messages)[0]!.reason).toBe(
      `stream 's', file '${path}' line 3, column 'u': cursor field 'u' has value "soon", ` +
        "not a date or timestamp like the stream's cursor (timestamp_tz), so the record " +
        'cannot be placed',
    );
    expect(cursors(run.messages).at(-1)).toBe('2024-01-02T05:00:00+02:00');
  });
});
