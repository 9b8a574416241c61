import { afterAll, describe, expect, it } from 'vitest';
import { source } from '../src/index.js';
import { context, one, records, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('globs', () => {
  it('reads two matched files in sorted order as one stream', async () => {
    tmp.write('part-b.csv', 'id,v\n3,c\n');
    tmp.write('part-a.csv', 'id,v\n1,a\n2,b\n');
    const { messages } = await sync(one(`${tmp.dir}/part-*.csv`));
    expect(records(messages)).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b' },
      { id: 3, v: 'c' },
    ]);
  });
});

describe('types', () => {
  it('keeps big integers and decimals digit for digit, and types timestamps', async () => {
    const path = tmp.write(
      'big.csv',
      'id,amount,at,local,ok\n' +
        '123456789012345678901234567890,-0.000000000000000000010,2024-03-01T10:00:00+02:00,2024-03-01 10:00:00,true\n' +
        '9007199254740993,12.50,2024-03-02T00:00:00Z,2024-03-02 00:00:00.5,FALSE\n',
    );
    const { catalog, messages } = await sync(one(path));
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      id: { type: ['string', 'null'], airbyte_type: 'big_integer' },
      amount: { type: ['string', 'null'], format: 'decimal' },
      at: {
        type: ['string', 'null'],
        format: 'date-time',
        airbyte_type: 'timestamp_with_timezone',
      },
      local: {
        type: ['string', 'null'],
        format: 'date-time',
        airbyte_type: 'timestamp_without_timezone',
      },
      ok: { type: ['boolean', 'null'] },
    });
    expect(records(messages)).toEqual([
      {
        id: '123456789012345678901234567890',
        amount: '-0.000000000000000000010',
        at: '2024-03-01T10:00:00+02:00',
        local: '2024-03-01 10:00:00',
        ok: true,
      },
      {
        id: '9007199254740993',
        amount: '12.50',
        at: '2024-03-02T00:00:00Z',
        local: '2024-03-02 00:00:00.5',
        ok: false,
      },
    ]);
  });

  it('reads empty fields as "" in text columns and null in typed ones, plus null_values', async () => {
    const path = tmp.write('nulls.csv', 'n,name,code\n1,,007\n,Bo,N/A\nN/A,Cy,\n');
    const plain = await sync(one(path));
    expect(records(plain.messages)).toEqual([
      { n: '1', name: '', code: '007' },
      { n: '', name: 'Bo', code: 'N/A' },
      { n: 'N/A', name: 'Cy', code: '' },
    ]);

    // A listed text is null in every column, a string column too; "" stays "" there
    // unless it is listed.
    const { messages, catalog } = await sync(one(path, { null_values: ['N/A'] }));
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      n: { type: ['integer', 'null'] },
      name: { type: ['string', 'null'] },
      code: { type: ['string', 'null'] },
    });
    expect(records(messages)).toEqual([
      { n: 1, name: '', code: '007' },
      { n: null, name: 'Bo', code: null },
      { n: null, name: 'Cy', code: '' },
    ]);
  });

  it('null_values ["", "NA"] reads empty text and NA as null in string columns', async () => {
    const path = tmp.write('na.csv', 'a,note\nNA,\nx,y\n');
    const { messages } = await sync(one(path, { null_values: ['', 'NA'] }));
    expect(records(messages)).toEqual([
      { a: null, note: null },
      { a: 'x', note: 'y' },
    ]);
  });

  it('column_types overrides inference', async () => {
    const path = tmp.write('override.csv', 'zip,price\n01234,5\n');
    const { messages, catalog } = await sync(
      one(path, { column_types: { zip: 'string', price: 'decimal' } }),
    );
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      zip: { type: ['string', 'null'] },
      price: { type: ['string', 'null'], format: 'decimal' },
    });
    expect(records(messages)).toEqual([{ zip: '01234', price: '5' }]);
  });

  it('holds a declared column_types type: a value that does not fit is a bad record', async () => {
    const path = tmp.write('declared.csv', 'a,b\n1,p\nx,q\n3,r\n');
    const config = one(path, { column_types: { a: 'integer' } });
    const error = await sync(config).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'BadRecordError',
      context: { stream: 's', file: path, line: 3, column: 'a' },
    });
    expect((error as Error).message).toBe(
      `stream 's', file '${path}' line 3, column 'a': value "x" does not fit the declared ` +
        'type integer (column_types)',
    );

    const ctx = context();
    const { messages, catalog } = await sync(config, { on_bad_record: 'reject' }, ctx);
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      a: { type: ['integer', 'null'] },
      b: { type: ['string', 'null'] },
    });
    expect(records(messages)).toEqual([
      { a: 1, b: 'p' },
      { a: 3, b: 'r' },
    ]);
    const rejects = messages.flatMap((m) =>
      m.type === 'TRACE' && m.trace.type === 'REJECT' ? [m.trace.reject] : [],
    );
    expect(rejects).toMatchObject([{ line: 3, field: 'a', raw: 'x,q', code: 'bad_record' }]);
    expect(ctx.warnings.filter(([m]) => m.startsWith('field widened'))).toEqual([]);
  });

  it('holds a declared type for JSON fields too', async () => {
    const path = tmp.write('declared.jsonl', '{"a":1}\n{"a":"x"}\n');
    await expect(sync(one(path, { column_types: { a: 'integer' } }))).rejects.toThrow(
      `stream 's', file '${path}' line 2, column 'a': value "x" does not fit the declared type integer`,
    );
  });

  it('widens a column when a later value breaks the sampled type, with a warning', async () => {
    const path = tmp.write('widen.csv', 'id,qty\n1,5\n2,7\n3,7.25\n4,lots\n');
    const ctx = context();
    const { messages } = await sync(one(path, { sample_rows: 2 }), {}, ctx);
    expect(records(messages).map((r) => r.qty)).toEqual([5, 7, '7.25', 'lots']);
    const widened = ctx.warnings.filter(([m]) => m.startsWith('field widened'));
    expect(
      widened.map(([, meta]) => [meta.field, meta.line, meta.from_type, meta.to_type]),
    ).toEqual([
      ['qty', 4, 'integer', 'decimal'],
      ['qty', 5, 'decimal', 'string'],
    ]);
  });
});

describe('missing files and check', () => {
  it('check fails naming the path that matches nothing', async () => {
    const status = await source.check(one(`${tmp.dir}/nope.csv`), context());
    expect(status.status).toBe('FAILED');
    expect(status.message).toBe(`stream 's': file '${tmp.dir}/nope.csv' does not exist`);
    const glob = await source.check(one(`${tmp.dir}/none-*.csv`), context());
    expect(glob.message).toBe(`stream 's': no file matches '${tmp.dir}/none-*.csv'`);
    const ok = tmp.write('ok.csv', 'a\n1\n');
    expect(await source.check(one(ok), context())).toEqual({ status: 'SUCCEEDED' });
  });
  it('read fails before any record when one stream file is missing', async () => {
    const ok = tmp.write('ok2.csv', 'a\n1\n');
    const config = {
      streams: [
        { name: 'ok', path: ok },
        { name: 'gone', path: `${tmp.dir}/gone.csv` },
      ],
    };
    const catalog = {
      streams: ['ok', 'gone'].map((name) => ({
        stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh' as const] },
        sync_mode: 'full_refresh' as const,
        destination_sync_mode: 'append' as const,
      })),
    };
    const seen: string[] = [];
    const run = async () => {
      for await (const m of source.read(config, catalog, [], context())) seen.push(m.type);
    };
    await expect(run()).rejects.toMatchObject({ code: 'config', context: { stream: 'gone' } });
    expect(seen).toEqual([]);
  });
  it('rejects an invalid config naming the field', async () => {
    await expect(async () =>
      source.discover(one('x.csv', { delimiter: ':' }), context()),
    ).rejects.toThrow(/config\.streams\[0\]\.delimiter/);
  });
  it('stops between chunks when the signal fires', async () => {
    const path = tmp.write('abort.csv', 'a\n1\n');
    const controller = new AbortController();
    controller.abort();
    const ctx = { ...context(), signal: controller.signal };
    await expect(sync(one(path), {}, ctx)).rejects.toMatchObject({ code: 'cancelled' });
  });
});
