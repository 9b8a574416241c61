import { appendFileSync } from 'node:fs';
import { type Message, streamState } from '@tributary/core';
import { afterAll, describe, expect, it } from 'vitest';
import { cursors, one, records, states, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('BR-10 numeric cursor', () => {
  it('keeps the cursor a number and resumes after it', async () => {
    const path = tmp.write('events.csv', 'seq,kind\n1,open\n9,click\n10,click\n11,close\n');
    const config = one(path, { cursor_field: 'seq' });
    const run1 = await sync(config, { sync_mode: 'incremental' });
    expect(records(run1.messages).map((r) => r.seq)).toEqual([1, 9, 10, 11]);
    const last = states(run1.messages).at(-1)!;
    const saved = last.stream!.stream_state as { cursor: unknown };
    expect(saved.cursor).toBe(11);
    expect(typeof saved.cursor).toBe('number');

    appendFileSync(path, '12,open\n');
    const run2 = await sync(config, { sync_mode: 'incremental', states: [last] });
    expect(records(run2.messages)).toEqual([{ seq: 12, kind: 'open' }]);
    expect(cursors(run2.messages).at(-1)).toBe(12);

    const old = streamState('s', { cursor: '11' });
    const run3 = await sync(config, { sync_mode: 'incremental', states: [old] });
    expect(records(run3.messages).map((r) => r.seq)).toEqual([12]);
  });
});

describe('BR-11 checkpoints', () => {
  const ids = Array.from({ length: 10 }, (_, i) => `${i + 1},item ${i + 1}`).join('\n');
  const path = tmp.write('items.csv', `id,name\n${ids}\n`);
  const config = one(path, { cursor_field: 'id', primary_key: ['id'], checkpoint_interval: 3 });
  it('emits a STATE every 3 records and one at the end', async () => {
    const { messages } = await sync(config, { sync_mode: 'incremental' });
    expect(records(messages).map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(cursors(messages)).toEqual([3, 6, 9, 10]);
    // Each STATE comes right after the record it covers.
    const order = messages.map((m) => (m.type === 'RECORD' ? m.record.data.id : 'S'));
    expect(order).toEqual([1, 2, 3, 'S', 4, 5, 6, 'S', 7, 8, 9, 'S', 10, 'S']);
  });
  it('resumes from {cursor: 6} with exactly 7..10', async () => {
    const { messages } = await sync(config, {
      sync_mode: 'incremental',
      states: [streamState('s', { cursor: 6 })],
    });
    expect(records(messages).map((r) => r.id)).toEqual([7, 8, 9, 10]);
    expect(cursors(messages).at(-1)).toBe(10);
  });
  it('full refresh also checkpoints', async () => {
    const { messages } = await sync(config);
    expect(states(messages)).toHaveLength(4);
    expect(records(messages)).toHaveLength(10);
  });
  it('stops checkpointing once the cursor goes backwards', async () => {
    const unsorted = tmp.write('unsorted.csv', 'id\n1\n2\n3\n5\n4\n6\n7\n8\n9\n');
    const { messages } = await sync(one(unsorted, { cursor_field: 'id', checkpoint_interval: 3 }), {
      sync_mode: 'incremental',
    });
    expect(cursors(messages)).toEqual([3, 9]);
  });
});

describe('ties at the cursor', () => {
  it('sends the records at the last cursor value not sent yet, and no others', async () => {
    const path = tmp.write('ties.csv', 'id,day\n1,2024-05-01\n2,2024-05-02\n3,2024-05-02\n');
    const config = one(path, { cursor_field: 'day', primary_key: ['id'] });
    const run1 = await sync(config, { sync_mode: 'incremental' });
    const last = states(run1.messages).at(-1)!;
    expect(last.stream!.stream_state).toEqual({
      cursor: '2024-05-02',
      keys_at_cursor: ['id=2', 'id=3'],
    });

    appendFileSync(path, '4,2024-05-02\n5,2024-05-03\n');
    const run2 = await sync(config, { sync_mode: 'incremental', states: [last] });
    expect(records(run2.messages).map((r) => r.id)).toEqual([4, 5]);
  });
  it('without a primary key, tells tied records apart by their content', async () => {
    const path = tmp.write('ties2.csv', 'n,at\na,5\nb,5\n');
    const config = one(path, { cursor_field: 'at' });
    const run1 = await sync(config, { sync_mode: 'incremental' });
    appendFileSync(path, 'c,5\n');
    const run2 = await sync(config, {
      sync_mode: 'incremental',
      states: [states(run1.messages).at(-1)!],
    });
    expect(records(run2.messages)).toEqual([{ n: 'c', at: 5 }]);
  });
});

describe('timestamps written with a space', () => {
  it('are typed date-time by discover and compared as instants, not as text', async () => {
    const path = tmp.write(
      'spaced.csv',
      'id,at,local\n1,2024-01-02 10:00:00+05:00,2024-01-02 03:04:05\n' +
        '2,2024-01-02 06:00:00+00:00,2024-01-02 03:04:05.25\n',
    );
    const config = one(path, { cursor_field: 'at' });
    const run1 = await sync(config, { sync_mode: 'incremental' });
    expect(run1.catalog.streams[0]!.json_schema.properties).toMatchObject({
      at: { format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      local: { format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
    });
    // 06:00 UTC is later than 10:00+05:00 (05:00 UTC), though it sorts first as text.
    expect(cursors(run1.messages).at(-1)).toBe('2024-01-02 06:00:00+00:00');

    appendFileSync(
      path,
      '3,2024-01-02 10:30:00+05:00,2024-01-03 00:00:00\n' +
        '4,2024-01-02 06:00:00.5Z,2024-01-03 00:00:00\n',
    );
    const run2 = await sync(config, {
      sync_mode: 'incremental',
      states: [states(run1.messages).at(-1)!],
    });
    expect(records(run2.messages).map((r) => r.id)).toEqual([4]);
  });
});

describe('a record without a cursor value', () => {
  const rejectsOf = (messages: Message[]) =>
    messages.flatMap((m) => (m.type === 'TRACE' && m.trace.reject ? [m.trace.reject] : []));

  it('fails by default naming the stream, file, line and cursor field', async () => {
    const path = tmp.write('nocursor.csv', 'seq,kind\n1,a\n,b\n3,c\n');
    const error = await sync(one(path, { cursor_field: 'seq' }), {
      sync_mode: 'incremental',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'BadRecordError',
      context: { stream: 's', file: path, line: 3, column: 'seq' },
    });
    expect((error as Error).message).toBe(
      `stream 's', file '${path}' line 3, column 'seq': record has no value for cursor field ` +
        `'seq' (an incremental stream needs one)`,
    );
  });

  it('is a REJECT on every run under on_bad_record reject, never dropped silently', async () => {
    const path = tmp.write('nocursor-reject.csv', 'seq,kind\n1,a\n,b\n3,c\n');
    const config = one(path, { cursor_field: 'seq' });
    const run1 = await sync(config, { sync_mode: 'incremental', on_bad_record: 'reject' });
    expect(records(run1.messages).map((r) => r.seq)).toEqual([1, 3]);
    expect(rejectsOf(run1.messages).map((r) => [r.line, r.field, r.raw])).toEqual([
      [3, 'seq', ',b'],
    ]);
    expect(cursors(run1.messages).at(-1)).toBe(3);

    appendFileSync(path, ',d\n4,e\n');
    const run2 = await sync(config, {
      sync_mode: 'incremental',
      on_bad_record: 'reject',
      states: [states(run1.messages).at(-1)!],
    });
    expect(records(run2.messages)).toEqual([{ seq: 4, kind: 'e' }]);
    expect(rejectsOf(run2.messages).map((r) => r.line)).toEqual([3, 5]);
  });

  it('a missing JSON field and an empty text cursor count as no value', async () => {
    const path = tmp.write('nocursor.jsonl', '{"id":1,"at":"a"}\n{"id":2}\n{"id":3,"at":""}\n');
    const { messages } = await sync(one(path, { cursor_field: 'at' }), {
      sync_mode: 'incremental',
      on_bad_record: 'skip',
    });
    expect(records(messages)).toEqual([{ id: 1, at: 'a' }]);
    expect(rejectsOf(messages).map((r) => r.line)).toEqual([2, 3]);
  });
});

describe('BR-25 empty incremental stream', () => {
  it('ends with a null cursor and no error', async () => {
    const path = tmp.write('refunds.csv', 'id,amount,created_at\n');
    const { messages } = await sync(one(path, { cursor_field: 'created_at' }), {
      sync_mode: 'incremental',
    });
    expect(records(messages)).toEqual([]);
    expect(cursors(messages)).toEqual([null]);
  });
});
