import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoCwd, tributary } from './helpers.js';

let cwd: string;
let cleanup: () => void;
beforeAll(() => {
  ({ cwd, cleanup } = demoCwd());
});
afterAll(() => cleanup());

it("names every bad field of tributary.yaml and of the connectors' configs in one run", () => {
  writeFileSync(
    path.join(cwd, 'bad.yaml'),
    `syncs:
  - name: bad
    source: { package: '@tributary/source-file', config: { streams: [{ name: a, path: 5, sample_rows: x }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: a, destination_sync_mode: upsert }]
`,
  );
  for (const command of ['sync', 'discover']) {
    const run = tributary(cwd, [command, 'bad.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'error: bad.yaml: invalid config\n' +
        '  syncs[0].streams[0].destination_sync_mode: must be one of overwrite, append, append_dedup\n' +
        '  syncs[0].source.config.streams[0].path: expected string\n' +
        '  syncs[0].source.config.streams[0].sample_rows: expected integer\n',
    );
  }
});

it('names a connector package that cannot be loaded, and why, in one line', () => {
  writeFileSync(path.join(cwd, 's.csv'), 'id\n1\n');
  writeFileSync(path.join(cwd, 'syntax.mjs'), 'export const source = {;\n');
  writeFileSync(path.join(cwd, 'throws.mjs'), "throw new Error('boom on import');\n");
  const cases = [
    ['./s.csv', `not a JavaScript module (Unknown file extension ".csv" for ${cwd}/s.csv)`],
    ['./syntax.mjs', "SyntaxError: Unexpected token ';'"],
    ['./throws.mjs', 'Error: boom on import'],
  ];
  for (const [ref, why] of cases) {
    writeFileSync(
      path.join(cwd, 'load.yaml'),
      `syncs:
  - name: load
    source: { package: '${ref}' }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: a }]
`,
    );
    const file = path.join(cwd, ref!.slice(2));
    const run = tributary(cwd, ['sync', 'load.yaml']);
    expect(run.stderr).toBe(`error: cannot load connector package '${ref}' (${file}): ${why}\n`);
    expect(run.code).toBe(2);
  }
});
