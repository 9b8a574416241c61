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

  it("calls a malformed line the connector's failure, not an internal one", () => {
    expect(() => decodeMessage('oops', 2, 'source stdout')).toThrow(
      expect.objectContaining({ code: 'connector', context: { line: 2 } }),
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

  it("reads a connector's system error without a code, or its own bug, as a connector failure", () => {
    const cases = [
      { message: 'upstream said no', failure_type: 'system_error' as const },
      {
        message: 'TypeError: x is undefined',
        failure_type: 'system_error' as const,
        code: 'internal',
      },
      { message: 'odd', failure_type: 'system_error' as const, code: 'made_up' },
    ];
    for (const trace of cases) {
      const back = fromTraceError(trace);
      expect([back.code, back.name, back.message]).toEqual([
        'connector',
        'ConnectorError',
        trace.message,
      ]);
      expect(back.retryable).toBe(false);
    }
    expect(fromTraceError({ message: 'bad key', failure_type: 'config_error' }).code).toBe(
      'config',
    );
    expect(fromTraceError({ message: 'later', failure_type: 'transient_error' }).code).toBe(
      'transient',
    );
  });
});
