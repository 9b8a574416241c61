import { readFileSync } from 'node:fs';
import { valueFits } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { MysqlConfig } from '../src/config.js';
import { emittedAtText, encodeValue } from '../src/encode.js';
import { fastEncoder } from '../src/fast-encode.js';
import { decimalDigits, physicalGap, sqlTypeFor } from '../src/physical.js';
import { RowBatch } from '../src/row-batch.js';
import { dedupe } from '../src/stream-writer.js';

const EXACT = 'utf8mb4_nopad_bin';

describe('encodeValue', () => {
  it('writes timestamps with an offset as UTC DATETIME(6) text, micros kept', () => {
    expect(encodeValue('2024-07-02T14:00:00.1234567+02:00', 'timestamp_tz')).toBe(
      '2024-07-02 12:00:00.123456',
    );
    expect(encodeValue('2024-07-02T09:30:00.5', 'timestamp')).toBe('2024-07-02 09:30:00.500000');
    expect(emittedAtText(Date.UTC(2024, 6, 2, 12, 0, 0, 7))).toBe('2024-07-02 12:00:00.007000');
  });

  it('keeps decimals and big integers as their digits', () => {
    expect(encodeValue('12.50', 'decimal')).toBe('12.50');
    expect(encodeValue('18446744073709551617', 'big_integer')).toBe('18446744073709551617');
    expect(encodeValue(true, 'boolean')).toBe('1');
    expect(encodeValue({ a: 1 }, 'json')).toBe('{"a":1}');
    expect(encodeValue(null, 'string')).toBeNull();
  });
});

describe('the DECIMAL shortcut agrees with core valueFits and the column size', () => {
  it('takes exactly the canonical texts that fit DECIMAL(22,2), never "007"', () => {
    const info = {
      name: 'a',
      dataType: 'decimal',
      charMax: null,
      precision: 22,
      scale: 2,
      charset: null,
    };
    const fast = fastEncoder('decimal', info)!;
    const general = (v: string) => {
      if (!valueFits(v, 'decimal')) return undefined;
      const text = encodeValue(v, 'decimal')!;
      return physicalGap(info, 'decimal', false, text, EXACT) ? undefined : text;
    };
    const values = ['0', '0.5', '-0.50', '1.50', '12', '-3', '0.00', '-0', '1.234'];
    values.push('007', '00123', '00.5', '-01', '+5', '1e3', ' 5', '5 ', '5.', '.5', '-', '');
    values.push('12345678901234567890.12', '123456789012345678901', 'NaN', '1.2.3');
    expect(values.map(fast)).toEqual(values.map(general));
    expect(['007', '00123', '+5', '1e3', ' 5', '5.'].map(fast)).toEqual(Array(6).fill(undefined));
  });
});

describe('column sizing', () => {
  it('sizes decimals from the data and widens by scale', () => {
    expect(decimalDigits('-0012.500')).toEqual({ whole: 2, scale: 3 });
    expect(sqlTypeFor('decimal', false, '12.50', EXACT)).toBe('DECIMAL(22,2)');
    const info = {
      name: 'p',
      dataType: 'decimal',
      charMax: null,
      precision: 22,
      scale: 2,
      charset: null,
    };
    expect(physicalGap(info, 'decimal', false, '1.25', EXACT)).toBeUndefined();
    expect(physicalGap(info, 'decimal', false, '1.255', EXACT)?.widerSql).toBe('DECIMAL(23,3)');
  });

  it('makes key strings VARCHAR up to 768 characters and refuses longer ones', () => {
    expect(sqlTypeFor('string', true, 'abc', EXACT)).toBe(
      'VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin',
    );
    const info = {
      name: 'k',
      dataType: 'varchar',
      charMax: 255,
      precision: null,
      scale: null,
      charset: 'utf8mb4',
    };
    expect(physicalGap(info, 'string', true, 'x'.repeat(300), EXACT)?.widerSql).toMatch(
      /^VARCHAR\(510\)/,
    );
    expect(physicalGap(info, 'string', true, 'x'.repeat(800), EXACT)?.widerSql).toBeUndefined();
  });
});

describe('dedupe', () => {
  it('keeps the greatest cursor per key, the later record on ties, null as smallest', () => {
    const rows = [
      { key: 'a', cursor: 5, n: 1 },
      { key: 'a', cursor: 7, n: 2 },
      { key: 'a', cursor: 7, n: 3 },
      { key: 'a', cursor: 6, n: 4 },
      { key: 'b', cursor: 2, n: 5 },
      { key: 'b', cursor: null, n: 6 },
      { key: 'c', cursor: '10', n: 7 },
      { key: 'c', cursor: '9', n: 8 },
    ];
    expect(dedupe(rows, 'integer').map((r) => r.n)).toEqual([3, 5, 7]);
  });
});

describe('RowBatch', () => {
  it('decodes its LOAD DATA text back to the values, escapes and NULL included', () => {
    const batch = new RowBatch(3, [false, true, true], '7', ['code'], false);
    const at = '2024-07-02 12:00:00.000000';
    const odd = 'tab\there\nline\r\\N \\ \u0000 🚀';
    const rows: Array<[Record<string, unknown>, (string | null)[]]> = [
      [{ code: 'A-1', n: 1 }, ['1', 'A-1', odd]],
      [{ code: 'B-2', n: 2 }, ['2', 'B-2', null]],
      [{ code: 'C\t3', n: 3 }, [null, 'C\t3', '\\N']],
    ];
    for (const [data, values] of rows) batch.add({ stream: 's', data, emitted_at: 0 }, values, at);
    expect(batch.rows).toBe(3);
    expect(batch.records).toBeUndefined();
    expect(batch.decode()).toEqual([
      ['1', 'A-1', odd, at, '7', null],
      ['2', 'B-2', null, at, '7', null],
      [null, 'C\t3', '\\N', at, '7', null],
    ]);
    expect(batch.keyValues(2)).toEqual(['C\t3']);
    expect(Buffer.concat(batch.chunks()).toString()).toContain('\\\\N\t');
  });

  it('starts a new buffer when a line does not fit, and keeps records when asked', () => {
    const batch = new RowBatch(1, [true], null, [], true);
    const long = 'x'.repeat(300_000);
    const at = '2024-07-02 12:00:00.000000';
    batch.add({ stream: 's', data: { v: 'a' }, emitted_at: 0 }, ['a'], at);
    batch.add({ stream: 's', data: { v: long }, emitted_at: 0 }, [long], at);
    batch.add({ stream: 's', data: { v: 'b' }, emitted_at: 0 }, ['b'], at);
    expect(batch.chunks().length).toBeGreaterThan(1);
    expect(batch.decode().map((r) => r[0])).toEqual(['a', long, 'b']);
    expect(batch.records?.map((r) => r.data.v)).toEqual(['a', long, 'b']);
  });
});

/** The README's config table as option -> default text (undefined for `(required)`). */
function readmeDefaults(): Map<string, string | undefined> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('## Config')[1]?.split('\n## ')[0] ?? '';
  const out = new Map<string, string | undefined>();
  for (const line of section.split('\n')) {
    const [names, defaults] = line.split('|').slice(1, 3);
    if (!names?.includes('`')) continue;
    const options = [...names.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    const texts = defaults!.trim().split(/,\s*/);
    options.forEach((option, i) => {
      const text = texts[i]?.replace(/`/g, '');
      out.set(option, text === '(required)' ? undefined : text);
    });
  }
  return out;
}

/** A README default as the value it stands for: `''`, `4 MiB`, `20000`, `true`, `auto`. */
function readDefault(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (text === "''") return '';
  const mib = /^(\d+) MiB$/.exec(text);
  if (mib) return Number(mib[1]) * 1024 * 1024;
  if (/^\d+$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

describe('README', () => {
  it('lists every config option with the default the code uses', () => {
    const properties = MysqlConfig.properties as Record<string, { default?: unknown }>;
    const documented = readmeDefaults();
    expect([...documented.keys()].sort()).toEqual(Object.keys(properties).sort());
    for (const [option, schema] of Object.entries(properties)) {
      expect({ option, default: readDefault(documented.get(option)) }).toEqual({
        option,
        default: schema.default,
      });
    }
  });
});
