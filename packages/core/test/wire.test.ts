import { describe, expect, it } from 'vitest';
import {
  decodeMessage,
  encodeMessage,
  fromTraceError,
  record,
  SchemaError,
  toTraceError,
} from '../src/index.js';

describe('wire codec', () => {
  it('round-trips a record as one line', () => {
    const message = record('orders', { id: 1, total: '12.50' }, 1700000000000);
    const line = encodeMessage(message);
    expect(line.endsWith('\n')).toBe(true);
    expect(decodeMessage(line.trim(), 1)).toEqual(message);
  });

  it('names the line of a malformed message', () => {
    expect(() => decodeMessage('{"type":"RECORD"', 7, 'source stdout')).toThrow(
      'source stdout, line 7: not JSON',
    );
    expect(() => decodeMessage('{"type":"NOPE"}', 3)).toThrow(
      'line 3: unknown message type "NOPE"',
    );
    expect(() => decodeMessage('{"type":"STATE"}', 4)).toThrow(
      "STATE message without its 'state' body",
    );
  });

  it('keeps extra fields other tools send', () => {
    const line =
      '{"type":"STATE","state":{"data":{"cursor":3},"sourceStats":{"recordCount":2},"x":1}}';
    const message = decodeMessage(line, 1);
    expect(message).toEqual(JSON.parse(line));
  });
});

describe('errors as trace data', () => {
  it('keeps code and context across the wire', () => {
    const error = new SchemaError("stream 'tickets': column 'title' is integer, got string", {
      stream: 'tickets',
      field: 'title',
      recordKey: 'id=3',
    });
    const trace = toTraceError(error);
    expect(trace.failure_type).toBe('config_error');
    expect(trace.stream_descriptor).toEqual({ name: 'tickets' });
    const back = fromTraceError(trace);
    expect(back.code).toBe('schema');
    expect(back.context.recordKey).toBe('id=3');
    expect(back.message).toBe(error.message);
  });
});
