import { describe, expect, it } from 'vitest';
import { encodedBytes, ReloadBuffer } from '../src/reload-buffer.js';
import { RowBatch } from '../src/row-batch.js';
import type { StreamWriter } from '../src/stream-writer.js';

const writer = (name: string) => ({ name }) as StreamWriter;

/** A one-column batch of `rows` rows whose LOAD DATA text is `bytes` long in all. */
function batchOf(rows: number, bytes: number): RowBatch {
  const batch = new RowBatch(1, [false], null, [], false);
  const at = '2024-07-02 12:00:00.000000';
  const suffix = `\t${at}\t\\N\t\\N\n`.length;
  const value = 'x'.repeat(bytes / rows - suffix);
  for (let i = 0; i < rows; i++) batch.add({ stream: 's', data: {}, emitted_at: 0 }, [value], at);
  return batch;
}

describe('ReloadBuffer', () => {
  it('holds batches while they fit, then lets every one go until take()', () => {
    const buffer = new ReloadBuffer(1000);
    const a = [batchOf(2, 400)];
    const b = [batchOf(2, 400)];
    expect(encodedBytes(a)).toBe(400);
    buffer.hold(writer('orders'), a);
    buffer.hold(writer('users'), b);
    expect(buffer.bytes).toBe(800);
    expect([...buffer.released]).toEqual([]);

    buffer.hold(writer('orders'), [batchOf(2, 400)]);
    expect(buffer.bytes).toBe(0);
    expect([...buffer.released].sort()).toEqual(['orders', 'users']);
    buffer.hold(writer('items'), [batchOf(1, 100)]);
    expect(buffer.bytes).toBe(0);
    expect(buffer.take()).toEqual([]);
    expect(buffer.peakBytes).toBe(800);

    expect([...buffer.released]).toEqual([]);
    buffer.hold(writer('orders'), a);
    expect(buffer.take()).toEqual([[writer('orders'), a]]);
    expect(buffer.bytes).toBe(0);
  });

  it('counts records held as values by the text of their values', () => {
    const marker = { values: ['12', 'abc', null], extractedAt: '', deletedAt: null, cursor: null };
    const batch = [{ ...marker, key: '', data: undefined }];
    expect(encodedBytes(batch)).toBe(3 + 4 + 3);
  });
});
