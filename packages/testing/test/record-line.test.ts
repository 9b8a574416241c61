import { decodeInputLine, decodeMessage, encodeLine } from '@tributary/core';
import { describe, expect, it } from 'vitest';

const at = 1_700_000_000_000;

describe('decodeInputLine (the stdin of a write command)', () => {
  it('reads a record in the adapter layout as JSON.parse of the whole line would', () => {
    const data = { id: 1, note: 'has ,"emitted_at":5}} inside', nested: { a: [1, null] } };
    const line = encodeLine({
      type: 'RECORD',
      record: { stream: 'orders', data, emitted_at: at },
    }).trimEnd();
    expect(decodeInputLine(line, 1, 'stdin')).toEqual(JSON.parse(line));
    expect(decodeInputLine(line, 1, 'stdin')).toEqual({
      type: 'RECORD',
      record: { stream: 'orders', data, emitted_at: at },
    });
  });

  it('reads any other valid layout through the full decoder, with the same result', () => {
    const lines = [
      `{"type":"RECORD","record":{"stream":"a","data":{"x":1},"namespace":"n","emitted_at":${at}}}`,
      `{"type":"RECORD","record":{"stream":"a\\"b","data":{"x":1},"emitted_at":${at}}}`,
      `{"type":"RECORD","record":{"stream":"a","data":{"x":1},"emitted_at":1.5}}`,
      `{"type":"RECORD","record":{"stream":"a","data":{"x":1},"emitted_at":${at}}} `,
      `{"type":"RECORD","record":{"data":{"x":1},"stream":"a","emitted_at":${at}}}`,
      '{"type":"STATE","state":{"type":"LEGACY","data":{"cursor":3}}}',
    ];
    for (const line of lines) {
      expect(decodeInputLine(line, 1, 'stdin')).toEqual(decodeMessage(line, 1, 'stdin'));
    }
  });

  it('a line that only looks like a record is an error naming its line', () => {
    const bad = [
      `{"type":"RECORD","record":{"stream":"a","data":{"x":1},"y":{"z":2},"emitted_at":5}`,
      '{"type":"RECORD","record":{"stream":"a","data":{"x":1},"emitted_at":05}}',
      '{"type":"RECORD","record":{"stream":"a","data":{"x":1,},"emitted_at":5}}',
    ];
    for (const line of bad) {
      expect(() => decodeInputLine(line, 7, 'stdin')).toThrow(/stdin, line 7: not JSON/);
    }
  });

  it('data that is not an object goes to the full decoder and keeps its value', () => {
    const line = '{"type":"RECORD","record":{"stream":"a","data":{},"emitted_at":0}}';
    expect(decodeInputLine(line, 1, 'stdin')).toEqual({
      type: 'RECORD',
      record: { stream: 'a', data: {}, emitted_at: 0 },
    });
  });
});
