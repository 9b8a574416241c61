import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryTable } from '../src/render/table.js';
import { demoCwd, tributary } from './helpers.js';

describe('warnings in text output', () => {
  let cwd: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ cwd, cleanup } = demoCwd());
    // Sampled as integers from the first 2 rows, widened at the 3rd (physical line 4).
    writeFileSync(path.join(cwd, 'amounts.csv'), 'id,amount\n1,5\n2,6\n3,7.5\n');
    writeFileSync(path.join(cwd, 'empty.csv'), '');
    writeFileSync(
      path.join(cwd, 'warns.yaml'),
      `syncs:
  - name: warns
    source:
      package: '@tributary/source-file'
      config:
        streams:
          - { name: amounts, path: amounts.csv, sample_rows: 2 }
          - { name: nothing, path: empty.csv }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: amounts }, { name: nothing }]
`,
    );
  });
  afterAll(() => cleanup());

  it('keep their metadata as key=value, and a file without a header is named once', () => {
    const run = tributary(cwd, ['sync', 'warns.yaml']);
    expect(run.code).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('  warn '));
    expect(warnings).toEqual([
      '  warn [source] field widened: a value did not fit the type inferred from the sample ' +
        'stream=amounts field=amount file=amounts.csv line=4 from_type=integer to_type=decimal',
      expect.stringMatching(
        /^ {2}warn \[source\] .*has no header: read as 0 records stream=nothing file=empty\.csv$/,
      ),
    ]);
  });
});

describe('records/s', () => {
  it('shows — for a stream the engine gave no rate (too short to tell)', () => {
    const counts = { read: 113, committed: 113, rejected: 0, skipped: 0, elapsedMs: 0 };
    const table = summaryTable([
      { stream: 'payments', status: 'succeeded', ...counts, recordsPerSecond: null },
      { stream: 'orders', status: 'succeeded', ...counts, recordsPerSecond: 2260 },
    ]);
    expect(table.split('\n').slice(2)).toEqual([
      'payments   113        113         0          —  succeeded',
      'orders     113        113         0       2260  succeeded',
    ]);
  });
});
