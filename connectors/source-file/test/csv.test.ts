import { afterAll, describe, expect, it } from 'vitest';
import { context, one, records, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('BR-01 BOM', () => {
  const body = 'email,first_name\r\nana@example.test,Ana\r\nbo@example.test,\uFEFFBo\r\n';
  it('drops a BOM at byte 0 only', async () => {
    const withBom = tmp.write(
      'contacts.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]),
    );
    const plain = tmp.write('contacts-plain.csv', body);
    const a = await sync(one(withBom, { primary_key: ['email'] }));
    const b = await sync(one(plain, { primary_key: ['email'] }));
    const columns = Object.keys(a.catalog.streams[0]!.json_schema.properties as object);
    expect(columns).toEqual(['email', 'first_name']);
    expect(columns[0]!.length).toBe(5);
    expect(records(a.messages)).toEqual([
      { email: 'ana@example.test', first_name: 'Ana' },
      { email: 'bo@example.test', first_name: '\uFEFFBo' },
    ]);
    expect(records(b.messages)).toEqual(records(a.messages));
    expect(b.catalog).toEqual(a.catalog);
    expect(a.catalog.streams[0]!.source_defined_primary_key).toEqual([['email']]);
  });
});

describe('BR-02 quoted newline, semicolons', () => {
  const body =
    'date;payee;amount;note\n2024-03-01;Corner Bakery;4.50;"bread\nand rolls"\n' +
    '2024-03-02;Fuel Stop;38.10;"clerk said ""thanks""; paid cash"\n2024-03-03;Bookshop;12.00;\n';
  const ledger = tmp.write('ledger.csv', body);
  const expected = [
    { date: '2024-03-01', payee: 'Corner Bakery', amount: '4.50', note: 'bread\nand rolls' },
    {
      date: '2024-03-02',
      payee: 'Fuel Stop',
      amount: '38.10',
      note: 'clerk said "thanks"; paid cash',
    },
    { date: '2024-03-03', payee: 'Bookshop', amount: '12.00', note: '' },
  ];
  it('reads 3 records with an explicit delimiter', async () => {
    const { messages, catalog } = await sync(one(ledger, { delimiter: ';' }));
    expect(records(messages)).toEqual(expected);
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      date: { type: ['string', 'null'], format: 'date' },
      payee: { type: ['string', 'null'] },
      amount: { type: ['string', 'null'], format: 'decimal' },
      note: { type: ['string', 'null'] },
    });
  });
  it('detects ;', async () => {
    expect(records((await sync(one(ledger))).messages)).toEqual(expected);
  });
  it('reads record 3 note as null with the empty-as-null option (null_values [""])', async () => {
    const { messages } = await sync(one(ledger, { delimiter: ';', null_values: [''] }));
    const third = records(messages)[2]!;
    expect(third.note).toBeNull();
    expect(third).toEqual({ date: '2024-03-03', payee: 'Bookshop', amount: '12.00', note: null });
    expect(records(messages).slice(0, 2)).toEqual(expected.slice(0, 2));
  });
  it('reads every value as text with infer_types false', async () => {
    const { messages } = await sync(one(ledger, { infer_types: false }));
    expect(records(messages)[2]).toEqual(expected[2]);
  });
  it('names physical line 5 for an error in record 3', async () => {
    const bad = tmp.write(
      'ledger-bad.csv',
      body.replace('Bookshop;12.00;', 'Bookshop;12.00;x;y;z'),
    );
    await expect(sync(one(bad))).rejects.toThrow(
      /stream 's', file '.*ledger-bad\.csv' line 5, column 'column_5': expected 4 fields, found 6/,
    );
    const unclosed = tmp.write(
      'ledger-q.csv',
      body.replace('Bookshop;12.00;', 'Bookshop;12.00;"open'),
    );
    await expect(sync(one(unclosed, { delimiter: ';' }))).rejects.toThrow(
      `stream 's', file '${unclosed}' line 5, column 'note' (position 4): unclosed quote`,
    );
  });
  it('rejects a malformed row and reads on with on_bad_record reject', async () => {
    const bad = tmp.write(
      'ledger-bad2.csv',
      body.replace('Fuel Stop;38.10;', 'Fuel Stop;38.10;extra;'),
    );
    const { messages } = await sync(one(bad), { on_bad_record: 'reject' });
    expect(records(messages).map((r) => r.payee)).toEqual(['Corner Bakery', 'Bookshop']);
    const rejects = messages.flatMap((m) =>
      m.type === 'TRACE' && m.trace.reject ? [m.trace.reject] : [],
    );
    expect(rejects).toHaveLength(1);
    expect(rejects[0]).toMatchObject({
      stream_descriptor: { name: 's' },
      code: 'bad_record',
      file: bad,
      line: 4,
      // The row as the file has it, quotes and all, so it can be fixed and replayed.
      raw: '2024-03-02;Fuel Stop;38.10;extra;"clerk said ""thanks""; paid cash"',
    });
    expect(rejects[0]!.reason).toContain('expected 4 fields, found 5');
  });
});

describe('a reject keeps its row as the file has it', () => {
  it('quotes, delimiters and line breaks inside quotes, the CR of a CRLF cut', async () => {
    const path = tmp.write(
      'raw.csv',
      'a,b,c\n1,"x,y",3,4\n5,"p\nq",6\n7,"r\r\ns",8,9\r\n10,"z" ,11,12\r\n13,14,15\n',
    );
    const { messages } = await sync(one(path, { infer_types: false }), {
      on_bad_record: 'reject',
    });
    expect(records(messages)).toEqual([
      { a: '5', b: 'p\nq', c: '6' },
      { a: '13', b: '14', c: '15' },
    ]);
    const rejects = messages.flatMap((m) =>
      m.type === 'TRACE' && m.trace.reject ? [m.trace.reject] : [],
    );
    expect(rejects.map((r) => [r.line, r.raw])).toEqual([
      [2, '1,"x,y",3,4'],
      [5, '7,"r\r\ns",8,9'],
      [7, '10,"z" ,11,12'],
    ]);
  });
});

describe('a quote error takes its own line only; the rows after it are read', () => {
  const read = async (name: string, body: string) => {
    const { messages } = await sync(one(tmp.write(name, body), { infer_types: false }), {
      on_bad_record: 'reject',
    });
    const rejects = messages.flatMap((m) =>
      m.type === 'TRACE' && m.trace.reject ? [[m.trace.reject.line, m.trace.reject.raw]] : [],
    );
    return { rows: records(messages), rejects };
  };

  it('text after a closing quote, with and without a later quote, in LF, CRLF and CR files', async () => {
    for (const [name, body] of [
      ['q-lf.csv', 'a,b\n1,"x"y\n4,5\n6,"7"\n'],
      ['q-crlf.csv', 'a,b\r\n1,"x"y\r\n4,5\r\n6,"7"\r\n'],
      ['q-cr.csv', 'a,b\r1,"x"y\r4,5\r6,"7"\r'],
    ] as const) {
      expect(await read(name, body)).toEqual({
        rows: [
          { a: '4', b: '5' },
          { a: '6', b: '7' },
        ],
        rejects: [[2, '1,"x"y']],
      });
    }
  });

  it('an unclosed quote at the end of the file: its line, then the next, each rejected', async () => {
    expect(await read('q-open.csv', 'a,b\n1,2\n3,"x\ny\n')).toEqual({
      rows: [{ a: '1', b: '2' }],
      rejects: [
        [3, '3,"x'],
        [4, 'y'],
      ],
    });
  });

  it('without a header, a bad first row gives neither the width nor the delimiter', async () => {
    const rows = [
      { column_1: '4', column_2: '5', column_3: '6' },
      { column_1: '7', column_2: '8', column_3: '9' },
    ];
    for (const [name, body, raw] of [
      ['nh-comma.csv', '"x"y,2,3\n4,5,6\n7,8,9\n', '"x"y,2,3'],
      ['nh-open.csv', '1,"open,3\n4,5,6\n7,8,9\n', '1,"open,3'],
      ['nh-semi.csv', '"x"y;2;3\n4;5;6\n7;8;9\n', '"x"y;2;3'],
    ] as const) {
      const path = tmp.write(name, body);
      const { messages } = await sync(one(path, { header: false, infer_types: false }), {
        on_bad_record: 'reject',
      });
      const rejects = messages.flatMap((m) =>
        m.type === 'TRACE' && m.trace.reject ? [[m.trace.reject.line, m.trace.reject.raw]] : [],
      );
      expect({ rows: records(messages), rejects }).toEqual({ rows, rejects: [[1, raw]] });
    }
  });

  it('five thousand rows after a bad one are all read, with quoted line breaks around', async () => {
    let body = 'a,b\n1,"p\nq"\n2,"x"z\n';
    for (let i = 0; i < 5000; i++) body += `${i},v${i}\n`;
    body += '9,"r\ns"\n';
    const { rows, rejects } = await read('q-many.csv', body);
    expect(rejects).toEqual([[4, '2,"x"z']]);
    expect(rows).toHaveLength(5002);
    expect(rows[0]).toEqual({ a: '1', b: 'p\nq' });
    expect(rows[1]).toEqual({ a: '0', b: 'v0' });
    expect(rows[5000]).toEqual({ a: '4999', b: 'v4999' });
    expect(rows[5001]).toEqual({ a: '9', b: 'r\ns' });
  });
});

describe('a header that does not parse fails the read, whatever on_bad_record says', () => {
  it('an unclosed quote would swallow every row into one name', async () => {
    const path = tmp.write('hdr-open.csv', 'id,"v\r\n1,x\r\n2,y\r\n');
    const error = await sync(one(path), { on_bad_record: 'skip' }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `stream 's', file '${path}' line 1 (the header), field 2: unclosed quote; ` +
        'no row can be read under a header that does not parse',
    );
    expect(error).toMatchObject({ name: 'BadRecordError', context: { line: 1, position: 2 } });
  });
  it('text after a closing quote, in the header or across its line end', async () => {
    for (const [name, body] of [
      ['hdr-after.csv', 'id,"v"w\n1,x\n'],
      ['hdr-across.csv', 'id,"v\r\n1,"x"\r\n2,y\r\n'],
    ] as const) {
      const path = tmp.write(name, body);
      await expect(sync(one(path), { on_bad_record: 'reject' })).rejects.toThrow(
        `file '${path}' line 1 (the header), field 2: malformed quotes (text after a closing quote)`,
      );
    }
  });
});

describe('quote errors name the column where the bad field starts', () => {
  it('text after a closing quote: file, line, column name and position', async () => {
    const path = tmp.write('afterq.csv', 'a,b,c\n1,2,3\n4,"x"y,6\n');
    const error = await sync(one(path)).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `stream 's', file '${path}' line 3, column 'b' (position 2): malformed quotes ` +
        '(text after a closing quote)',
    );
    expect(error).toMatchObject({ context: { line: 3, column: 'b', position: 2 } });
  });
  it('counts quoted delimiters and line breaks before the bad field (CRLF)', async () => {
    const path = tmp.write('quoted.csv', 'a;b;c\r\n1;"x;\r\ny";3\r\n"4;";"q"z;6\r\n');
    await expect(sync(one(path, { delimiter: ';' }))).rejects.toThrow(
      `file '${path}' line 4, column 'b' (position 2): malformed quotes`,
    );
  });
  it('an unclosed quote in the last column', async () => {
    const path = tmp.write('unclosed.csv', 'a,b,c\n1,2,"open\n');
    await expect(sync(one(path))).rejects.toThrow(
      `file '${path}' line 2, column 'c' (position 3): unclosed quote`,
    );
  });
  it('a row with two quote errors is one bad row; a later bad row is still caught', async () => {
    const path = tmp.write('twice.csv', 'a,b,c\n1,"x"y"z",3\n4,5,6\n7,"p"q",9\n');
    const { messages } = await sync(one(path, { infer_types: false }), {
      on_bad_record: 'reject',
    });
    expect(records(messages)).toEqual([{ a: '4', b: '5', c: '6' }]);
    const rejects = messages.flatMap((m) =>
      m.type === 'TRACE' && m.trace.type === 'REJECT' ? [m.trace.reject] : [],
    );
    expect(rejects.map((r) => [r?.line, r?.field])).toEqual([
      [2, 'b'],
      [4, 'b'],
    ]);
  });
});

describe('type inference samples only rows that parsed cleanly', () => {
  it('leaves a row with a quote error or the wrong field count out of the sample', async () => {
    const path = tmp.write('sample-bad.csv', 'a,b\n1,2\n2,"x"y"\n3,4,5\n4,zz\n5\n6,7\n');
    const { catalog, messages } = await sync(one(path, { sample_rows: 4 }), {
      on_bad_record: 'skip',
    });
    expect(catalog.streams[0]!.json_schema.properties).toEqual({
      a: { type: ['integer', 'null'] },
      b: { type: ['string', 'null'] },
    });
    const clean = tmp.write('sample-clean.csv', 'a,b\n1,2\n2,"x"y"\n3,4,5\n5\n6,7\n');
    const run = await sync(one(clean, { sample_rows: 3 }), { on_bad_record: 'skip' });
    expect(run.catalog.streams[0]!.json_schema.properties).toEqual({
      a: { type: ['integer', 'null'] },
      b: { type: ['integer', 'null'] },
    });
    expect(records(run.messages)).toEqual([
      { a: 1, b: 2 },
      { a: 6, b: 7 },
    ]);
    expect(records(messages).map((r) => r.b)).toEqual(['2', 'zz', '7']);
  });
});

describe('BR-03 duplicate and empty headers', () => {
  const path = tmp.write(
    'phones.csv',
    'id,phone,name,phone,\n1,555-0100,Rita,555-0199,x\n2,555-0101,Sam,,y\n',
  );
  it('fails by default before any record, naming duplicates and the empty header', async () => {
    await expect(sync(one(path, { infer_types: false }))).rejects.toThrow(
      'duplicate header "phone" at positions 2, 4; empty header at position 5',
    );
  });
  it('renames with duplicate_headers rename', async () => {
    const { messages, catalog } = await sync(
      one(path, { infer_types: false, duplicate_headers: 'rename' }),
    );
    expect(Object.keys(catalog.streams[0]!.json_schema.properties as object)).toEqual([
      'id',
      'phone',
      'name',
      'phone_2',
      'column_5',
    ]);
    expect(records(messages)).toEqual([
      { id: '1', phone: '555-0100', name: 'Rita', phone_2: '555-0199', column_5: 'x' },
      { id: '2', phone: '555-0101', name: 'Sam', phone_2: '', column_5: 'y' },
    ]);
  });
});

describe('BR-04 encodings', () => {
  const bytes = Buffer.concat([
    Buffer.from('name,city\nRen'),
    Buffer.from([0xe9]),
    Buffer.from('e,Cr'),
    Buffer.from([0xe9]),
    Buffer.from('teil\nJos'),
    Buffer.from([0xe9]),
    Buffer.from(',Orl'),
    Buffer.from([0xe9]),
    Buffer.from('ans\n'),
  ]);
  const towns = tmp.write('towns.csv', bytes);
  const expected = [
    { name: 'Renée', city: 'Créteil' },
    { name: 'José', city: 'Orléans' },
  ];
  it('reads latin1 and windows-1252', async () => {
    const a = records((await sync(one(towns, { encoding: 'latin1' }))).messages);
    expect(a).toEqual(expected);
    expect(Buffer.from(a[0]!.name as string, 'utf8').toString('hex')).toBe('52656ec3a965');
    const b = records((await sync(one(towns, { encoding: 'windows-1252' }))).messages);
    expect(b).toEqual(expected);
  });
  it('refuses a UTF-8 BOM in a file declared latin1 or windows-1252, suggesting utf-8', async () => {
    const path = tmp.write(
      'bom-latin1.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a,b\nRenée,1\n')]),
    );
    for (const encoding of ['latin1', 'windows-1252']) {
      const error = await sync(one(path, { encoding })).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'ConfigError',
        code: 'config',
        context: { stream: 's', file: path, encoding },
      });
      expect((error as Error).message).toBe(
        `stream 's', file '${path}': starts with a UTF-8 byte-order mark (EF BB BF) but the ` +
          `stream's encoding is ${encoding}; the file is almost surely UTF-8: set encoding: utf-8`,
      );
    }
    const jsonl = tmp.write(
      'bom-latin1.jsonl',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n')]),
    );
    await expect(sync(one(jsonl, { encoding: 'latin1' }))).rejects.toThrow('set encoding: utf-8');
    const utf8 = await sync(one(path));
    expect(records(utf8.messages)).toEqual([{ a: 'Renée', b: 1 }]);
  });
  it('windows-1252 maps 0x80 to the euro sign', async () => {
    const euro = tmp.write(
      'euro.csv',
      Buffer.concat([Buffer.from('price\n5'), Buffer.from([0x80]), Buffer.from('\n')]),
    );
    expect(records((await sync(one(euro, { encoding: 'windows-1252' }))).messages)).toEqual([
      { price: '5€' },
    ]);
  });
  it('fails under utf-8 naming line 2, column name and byte 0xE9', async () => {
    const error = await sync(one(towns)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'BadRecordError',
      code: 'bad_record',
      context: { stream: 's', line: 2, column: 'name', byte: '0xE9' },
    });
    expect((error as Error).message).toMatch(/line 2, column 'name': invalid UTF-8 byte 0xE9/);
  });
  it('names the column of a bad byte later in the line, and emits no U+FFFD', async () => {
    const path = tmp.write(
      'late.csv',
      Buffer.concat([Buffer.from('a,b\n1,x\n2,y'), Buffer.from([0xff]), Buffer.from('\n')]),
    );
    const ctx = context();
    const error = await sync(one(path), {}, ctx).catch((e: unknown) => e);
    expect(error).toMatchObject({ context: { line: 3, column: 'b', byte: '0xFF' } });
  });
});

describe('BR-25 empty files', () => {
  it('empty.csv: 0 records, schema {id, amount}', async () => {
    const path = tmp.write('empty.csv', 'id,amount\n');
    const { messages, catalog } = await sync(one(path));
    expect(records(messages)).toEqual([]);
    expect(Object.keys(catalog.streams[0]!.json_schema.properties as object)).toEqual([
      'id',
      'amount',
    ]);
    expect(messages.filter((m) => m.type === 'STATE')).toHaveLength(1);
  });
  it('blank.csv: 0 records and a warning that the file has no header', async () => {
    const path = tmp.write('blank.csv', '');
    const { messages, ctx } = await sync(one(path));
    expect(records(messages)).toEqual([]);
    const noHeader = ctx.warnings.filter(([m]) => m.includes('no header'));
    expect(noHeader[0]).toEqual([
      `file '${path}' has no header: read as 0 records`,
      { stream: 's', file: path },
    ]);
  });
});

describe('a record without its primary key (append_dedup)', () => {
  const body = 'id,email\n1,a@x.io\n,b@x.io\n3,c@x.io\n';
  it('fails naming the stream, file, line 3 and the field', async () => {
    const path = tmp.write('keyless.csv', body);
    const error = await sync(one(path), { primary_key: [['id']] }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'BadRecordError',
      context: { stream: 's', file: path, line: 3, field: 'id' },
    });
    expect((error as Error).message).toBe(
      `stream 's', file '${path}' line 3, column 'id': record has no value for primary key field 'id'`,
    );
  });
  it('with on_bad_record reject: the other two records pass, the third is a REJECT', async () => {
    const path = tmp.write('keyless-reject.csv', body);
    const { messages } = await sync(one(path), {
      primary_key: [['id']],
      on_bad_record: 'reject',
    });
    expect(records(messages)).toEqual([
      { id: 1, email: 'a@x.io' },
      { id: 3, email: 'c@x.io' },
    ]);
    const rejects = messages.flatMap((m) =>
      m.type === 'TRACE' && m.trace.type === 'REJECT' ? [m.trace.reject] : [],
    );
    expect(rejects).toMatchObject([{ line: 3, field: 'id', raw: ',b@x.io', code: 'bad_record' }]);
  });
  it('append (no key needed): the record passes with id null', async () => {
    const path = tmp.write('keyless-append.csv', body);
    const { messages } = await sync(one(path));
    expect(records(messages)).toEqual([
      { id: 1, email: 'a@x.io' },
      { id: null, email: 'b@x.io' },
      { id: 3, email: 'c@x.io' },
    ]);
  });
});
