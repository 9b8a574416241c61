import { afterAll, describe, expect, it } from 'vitest';
import { one, records, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('BR-20 JSONL variant', () => {
  it('sees a field that first appears on record 2', async () => {
    const path = tmp.write(
      'accounts.jsonl',
      '{"id":1,"name":"A"}\n{"id":2,"name":"B","tier":"gold"}\n',
    );
    const { catalog, messages } = await sync(one(path));
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      id: { type: ['integer', 'null'] },
      name: { type: ['string', 'null'] },
      tier: { type: ['string', 'null'] },
    });
    expect(records(messages)).toEqual([
      { id: 1, name: 'A' },
      { id: 2, name: 'B', tier: 'gold' },
    ]);
  });
});

describe('JSON values', () => {
  it('keeps every digit of big integers and the scale of decimals', async () => {
    const path = tmp.write(
      'amounts.jsonl',
      '{"id":12345678901234567890,"amount":12.50,"ratio":1e3,"tags":["a"],"meta":{"x":1.10}}\n' +
        '{"id":1,"amount":0.10000000000000000001,"ratio":2.5e-1,"tags":[],"meta":{}}\n\n',
    );
    const { catalog, messages } = await sync(one(path));
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      id: { type: ['string', 'null'], airbyte_type: 'big_integer' },
      amount: { type: ['string', 'null'], format: 'decimal' },
      ratio: { type: ['number', 'null'] },
      tags: { type: ['array', 'null'] },
      meta: { type: ['object', 'null'] },
    });
    expect(records(messages)).toEqual([
      {
        id: '12345678901234567890',
        amount: '12.50',
        ratio: 1000,
        tags: ['a'],
        meta: { x: '1.10' },
      },
      { id: '1', amount: '0.10000000000000000001', ratio: 0.25, tags: [], meta: {} },
    ]);
  });
  it('reads a JSON array element by element', async () => {
    const path = tmp.write(
      'deals.json',
      '[\n  {"id": 1, "name": "North, \\"big\\" ]", "at": "2024-07-01T00:00:00Z"},\n' +
        '  {"id": 2, "name": "South", "at": "2024-07-02T00:00:00Z", "n": [1, {"a": [2]}]}\n]\n',
    );
    const { catalog, messages } = await sync(one(path));
    expect(catalog.streams[0]!.json_schema.properties).toMatchObject({
      at: {
        type: ['string', 'null'],
        format: 'date-time',
        airbyte_type: 'timestamp_with_timezone',
      },
    });
    expect(records(messages)).toEqual([
      { id: 1, name: 'North, "big" ]', at: '2024-07-01T00:00:00Z' },
      { id: 2, name: 'South', at: '2024-07-02T00:00:00Z', n: [1, { a: [2] }] },
    ]);
  });
  it('names file and line of a JSONL line that does not parse', async () => {
    const path = tmp.write('bad.jsonl', '{"id":1}\n{"id":2,\n{"id":3}\n');
    await expect(sync(one(path))).rejects.toThrow(/file '.*bad\.jsonl' line 2: invalid JSON/);
    const { messages } = await sync(one(path), { on_bad_record: 'skip' });
    expect(records(messages)).toEqual([{ id: 1 }, { id: 3 }]);
    const reject = messages.find((m) => m.type === 'TRACE');
    expect(reject?.type === 'TRACE' && reject.trace.reject).toMatchObject({
      line: 2,
      raw: '{"id":2,',
    });
  });
  it('fails on a JSON file that is not an array', async () => {
    const path = tmp.write('obj.json', '{"id": 1}');
    await expect(sync(one(path))).rejects.toThrow(/obj\.json' line 1: not a JSON array of objects/);
  });
});
