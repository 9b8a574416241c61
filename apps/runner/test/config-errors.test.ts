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
