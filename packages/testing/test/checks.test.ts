import { describe, expect, it } from 'vitest';
import {
  assertSameRecords,
  cursorPaths,
  recordChecker,
  schemaProblems,
  unmarkedSecrets,
  withFutureCursor,
} from '../src/index.js';

// The building blocks of the suites must fail where a connector is wrong, naming what.

describe('suite checks', () => {
  it('assertSameRecords names the stream, the missing and the unexpected record', () => {
    expect(() =>
      assertSameRecords('users', [{ id: 1 }, { id: 3 }], [{ id: 1 }, { id: 2 }], 'first read'),
    ).toThrow(
      "stream 'users': first read: 2 records, expected 2\n" +
        '  missing (expected): {"id":2}\n' +
        '  unexpected: {"id":3}',
    );
    expect(() => assertSameRecords('users', [{ b: 1, a: 2 }], [{ a: 2, b: 1 }], 'x')).not.toThrow();
    expect(() => assertSameRecords('users', [{ a: 1 }, { a: 1 }], [{ a: 1 }], 'x')).toThrow(
      '  unexpected: {"a":1}',
    );
  });

  it('recordChecker flags a value of the wrong type with the field and the value', () => {
    const check = recordChecker({
      type: 'object',
      properties: {
        id: { type: 'integer' },
        amount: { type: ['string', 'null'], format: 'decimal' },
        at: { type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
      },
    });
    expect(check({ id: 1, amount: '1.50', at: '2024-03-01T10:00:00.123456' })).toEqual([]);
    expect(check({ id: 'x', amount: 'abc', at: '2024-03-01T10:00:00' })).toEqual([
      '/id: must be integer (value "x")',
      '/amount: "abc" is not a decimal',
    ]);
  });

  it('unmarkedSecrets finds credential fields without airbyte_secret, nested too', () => {
    const schema = {
      type: 'object',
      properties: {
        host: { type: 'string' },
        password: { type: 'string' },
        api_key: { type: 'string', airbyte_secret: true },
        auth: { type: 'object', properties: { access_token: { type: 'string' } } },
      },
    };
    expect(unmarkedSecrets(schema)).toEqual(['config.password', 'config.auth.access_token']);
  });

  it('schemaProblems refuses a type JSON Schema does not have', () => {
    expect(schemaProblems({ type: 'object', properties: { a: { type: 'text' } } }, 'spec')).toEqual(
      ['spec.a: "text" is not a JSON Schema type'],
    );
  });

  it('finds the cursor in an opaque state and moves it far into the future', () => {
    const state = {
      type: 'STREAM' as const,
      stream: {
        stream_descriptor: { name: 'orders' },
        stream_state: { cursor: 12, keys_at_cursor: ['id=2'] },
      },
    };
    const paths = cursorPaths(state, 12, 'integer');
    expect(paths).toEqual([['stream', 'stream_state', 'cursor']]);
    expect(withFutureCursor(state, paths, 'integer').stream?.stream_state).toEqual({
      cursor: 9_007_199_254_740_000,
      keys_at_cursor: ['id=2'],
    });
    expect(cursorPaths(state, '2024-01-01', 'date')).toEqual([]);
  });
});
