import { afterAll, describe, expect, it } from 'vitest';
import { one, records, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function read(name: string, body: string) {
  const { catalog, messages } = await sync(one(tmp.write(name, body)));
  const properties = catalog.streams[0]!.json_schema.properties as Record<string, unknown>;
  return { rows: records(messages), properties };
}

describe('CSV line ends mixing CRLF and LF', () => {
  it('LF after a CRLF header ends a row', async () => {
    const { rows } = await read('a.csv', 'id\r\n1\n2\r\n3\r\n');
    expect(rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
  });

  it('a CRLF row among LF rows keeps its number type', async () => {
    const { rows, properties } = await read('b.csv', 'id,amt\n1,5\n2,6\r\n3,7\n');
    expect(rows).toEqual([
      { id: 1, amt: 5 },
      { id: 2, amt: 6 },
      { id: 3, amt: 7 },
    ]);
    expect(properties.amt).toEqual(properties.id);
  });

  it('a text ended by CRLF has no CR', async () => {
    const { rows } = await read('c.csv', 'id,name\n1,Ana\r\n2,Bob\n');
    expect(rows).toEqual([
      { id: 1, name: 'Ana' },
      { id: 2, name: 'Bob' },
    ]);
  });

  it('keeps CRLF and LF inside quoted values, cuts CR after a closing quote', async () => {
    const body = 'id,note\r\n1,"a\r\nb"\n2,"c\nd"\r\n3,"e"\r\n4,f\r\n\r\n5,"g"\n';
    const { rows } = await read('d.csv', body);
    expect(rows).toEqual([
      { id: 1, note: 'a\r\nb' },
      { id: 2, note: 'c\nd' },
      { id: 3, note: 'e' },
      { id: 4, note: 'f' },
      { id: 5, note: 'g' },
    ]);
  });

  it('a quoted last value ending in CR keeps it, with LF, CRLF or no line end after', async () => {
    const body = 'id,note\n1,"abc\r"\n2,plain\r\n3,"z"\r\n4,"q\r"\r\n5,w\r\n6,"end\r"';
    const { rows } = await read('i.csv', body);
    expect(rows).toEqual([
      { id: 1, note: 'abc\r' },
      { id: 2, note: 'plain' },
      { id: 3, note: 'z' },
      { id: 4, note: 'q\r' },
      { id: 5, note: 'w' },
      { id: 6, note: 'end\r' },
    ]);
  });

  it('an unquoted value ending in a quote loses only its CRLF, beside quoted CR values', async () => {
    const body = 'id,v\r\n1,12"\r\n2,"3\r"\r\n3,ab""\r\n4,x\r"y\r\n5,"c\r" \r\n6,"d\r"\t\r\n';
    const { rows } = await read('k.csv', body);
    expect(rows).toEqual([
      { id: 1, v: '12"' },
      { id: 2, v: '3\r' },
      { id: 3, v: 'ab""' },
      { id: 4, v: 'x\r"y' },
      { id: 5, v: 'c\r' },
      { id: 6, v: 'd\r' },
    ]);
  });

  it('a file of CR line ends may quote an LF in its first rows', async () => {
    const { rows } = await read('l.csv', 'id,v\r1,a\r2,"b\nc"\r3,d\r');
    expect(rows).toEqual([
      { id: 1, v: 'a' },
      { id: 2, v: 'b\nc' },
      { id: 3, v: 'd' },
    ]);
  });

  it('a CR-only file with a quote inside an unquoted value before a quoted LF', async () => {
    const { rows } = await read('m.csv', 'id,desc,n\r1,5" screen,1\r2,"multi\nline",2\r3,ok,3\r');
    expect(rows).toEqual([
      { id: 1, desc: '5" screen', n: 1 },
      { id: 2, desc: 'multi\nline', n: 2 },
      { id: 3, desc: 'ok', n: 3 },
    ]);
  });

  it('a quoted header name ending in CR keeps it', async () => {
    const { properties } = await read('j.csv', 'id,"name\r"\n1,Ana\n');
    expect(Object.keys(properties)).toEqual(['id', 'name\r']);
  });

  it('the header of a CRLF file has no CR in its last name', async () => {
    const { rows, properties } = await read('e.csv', 'id,name\r\n1,Ana\r\n');
    expect(Object.keys(properties)).toEqual(['id', 'name']);
    expect(rows).toEqual([{ id: 1, name: 'Ana' }]);
  });

  it('counts lines across mixed line ends', async () => {
    const path = tmp.write('h.csv', 'id,amt\r\n1,"x\r\ny"\n2,6,7\r\n3,8\n');
    const { messages } = await sync(one(path), { on_bad_record: 'reject' });
    expect(records(messages)).toEqual([
      { id: 1, amt: 'x\r\ny' },
      { id: 3, amt: '8' },
    ]);
    const reject = messages.find((m) => m.type === 'TRACE');
    expect(reject).toMatchObject({ trace: { reject: { line: 4, raw: '2,6,7' } } });
  });

  it('a file of lone CRs splits at CR; one with LF keeps a lone CR as text', async () => {
    expect((await read('f.csv', 'id,name\r1,Ana\r2,Bob\r')).rows).toEqual([
      { id: 1, name: 'Ana' },
      { id: 2, name: 'Bob' },
    ]);
    expect((await read('g.csv', 'id,name\n1,A\rB\n')).rows).toEqual([{ id: 1, name: 'A\rB' }]);
  });
});
