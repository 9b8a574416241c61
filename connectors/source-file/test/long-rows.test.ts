import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvFile } from '../src/csv.js';
import { one, records, sync, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function readAll(path: string, maxRowChars?: number) {
  const ref = { stream: 's', file: 'long.csv', path: resolve(path) };
  const options = { delimiter: ',', encoding: 'utf-8' as const, header: true };
  const csv = await CsvFile.open(ref, maxRowChars ? { ...options, maxRowChars } : options);
  const rows: string[][] = [];
  const lines: number[] = [];
  for await (const batch of csv.batches()) {
    rows.push(...batch.rows);
    lines.push(...batch.lines);
  }
  return { rows, lines };
}

describe('rows longer than a read chunk', () => {
  it('an unclosed quote in the header fails at the row limit, not at the end of the file', async () => {
    const path = tmp.write('open-header.csv', `id,"v\n${'1,x\n'.repeat(100_000)}`);
    await expect(readAll(path, 50_000)).rejects.toThrow(
      "stream 's', file 'long.csv' line 1: a row longer than 50000 characters, probably an unclosed quote",
    );
  });

  it('reads a 140,000-character row (once hung at 100% CPU)', async () => {
    const path = tmp.write('long.csv', `id,blob\n1,${'y'.repeat(140_000)}\n`);
    const got = records((await sync(one(path))).messages);
    expect(got).toHaveLength(1);
    expect(got[0]!.id).toBe(1);
    expect(got[0]!.blob).toBe('y'.repeat(140_000));
  });

  it('reads a 1 MiB field exactly, quoted, between short rows', async () => {
    const blob = Array.from({ length: 1024 * 1024 }, (_, i) => 'abc,"\n'[i % 6]).join('');
    const quoted = `"${blob.replaceAll('"', '""')}"`;
    const path = tmp.write('mib.csv', `id,blob\n1,a\n2,${quoted}\n3,c\n`);
    const got = records((await sync(one(path))).messages);
    expect(got.map((r) => r.id)).toEqual([1, 2, 3]);
    const value = got[1]!.blob as string;
    expect(value.length).toBe(1024 * 1024);
    expect(value === blob).toBe(true);
    expect(got[2]).toEqual({ id: 3, blob: 'c' });
  });

  it('keeps line numbers after a long row', async () => {
    const path = tmp.write('lines.csv', `id,blob\n1,${'x'.repeat(300_000)}\n2,b\n`);
    const { rows, lines } = await readAll(path);
    expect(rows.map((r) => r[0])).toEqual(['1', '2']);
    expect(lines).toEqual([2, 3]);
  });

  it('fails a row over the limit naming file and line', async () => {
    const path = tmp.write('over.csv', `id,blob\n1,a\n2,${'z'.repeat(200_000)}\n3,c\n`);
    await expect(readAll(path, 150_000)).rejects.toThrow(
      "stream 's', file 'long.csv' line 3: a row longer than 150000 characters, " +
        'probably an unclosed quote',
    );
  });

  it('fails an unclosed quote that runs past the limit', async () => {
    const path = tmp.write('open.csv', `id,blob\n1,"${'q\n'.repeat(100_000)}`);
    await expect(readAll(path, 150_000)).rejects.toThrow(
      "file 'long.csv' line 2: a row longer than 150000 characters",
    );
  });

  it('reads a row just under the limit', async () => {
    const path = tmp.write('under.csv', `id,blob\n1,${'w'.repeat(149_990)}\n`);
    const { rows } = await readAll(path, 150_000);
    expect(rows[0]![1]!.length).toBe(149_990);
  });
});
