import { chmodSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoCwd, tributary } from './helpers.js';

// Each case starts the CLI and a connector process or two.
vi.setConfig({ testTimeout: 60_000 });

const ENGINE_FIXTURES = fileURLToPath(
  new URL('../../../packages/engine/test/fixtures/', import.meta.url),
);
const BANNER = 'internal error: this is a bug in tributary';

/** A source in sh: answers discover, and in `read` sends one record, then `readTail`. */
function shellSource(readTail: string): string {
  const catalog = JSON.stringify({
    type: 'CATALOG',
    catalog: {
      streams: [
        {
          name: 'items',
          json_schema: { type: 'object', properties: { id: { type: 'integer' } } },
          supported_sync_modes: ['full_refresh'],
        },
      ],
    },
  });
  const record = JSON.stringify({
    type: 'RECORD',
    record: { stream: 'items', data: { id: 1 }, emitted_at: 1 },
  });
  return `#!/bin/sh
case "$1" in
  spec) echo '{"type":"SPEC","spec":{"connectionSpecification":{"type":"object"}}}' ;;
  discover) echo '${catalog}' ;;
  read) echo '${record}'; ${readTail} ;;
esac
`;
}

describe('a failing connector is a failed sync, not a bug of tributary', () => {
  let cwd: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ cwd, cleanup } = demoCwd());
  });
  afterAll(() => cleanup());

  /** A sync config whose source is `source` (YAML flow), into SQLite. */
  function syncFile(name: string, source: string): string {
    const file = path.join(cwd, `${name}.yaml`);
    writeFileSync(
      file,
      `syncs:
  - name: ${name}
    source: ${source}
    destination: { package: '@tributary/destination-sqlite', config: { path: ${name}.db } }
    streams: [{ name: items, destination_sync_mode: append }]
`,
    );
    return file;
  }

  function script(name: string, readTail: string): string {
    const file = path.join(cwd, name);
    writeFileSync(file, shellSource(readTail));
    chmodSync(file, 0o755);
    return file;
  }

  function expectOneLine(stderr: string, line: string): void {
    expect(stderr).not.toContain(BANNER);
    expect(stderr).not.toContain('Please report it');
    expect(stderr).not.toContain('    at ');
    expect(stderr.split('\n').filter((l) => l.startsWith('sync '))).toEqual([
      expect.stringContaining('sync '),
      line,
    ]);
  }

  it('a malformed stdout line', () => {
    const bin = script('malformed.sh', "echo 'this is not a protocol message'");
    const run = tributary(cwd, ['sync', syncFile('malformed', `{ command: [${bin}] }`)]);
    expect(run.code).toBe(1);
    expectOneLine(
      run.stderr,
      `sync malformed failed: source command '${bin} read' stdout, line 2: not JSON: this is not a protocol message`,
    );
  });

  it('a TRACE system error without a code, then a non-zero exit', () => {
    const trace = JSON.stringify({
      type: 'TRACE',
      trace: {
        type: 'ERROR',
        emitted_at: 1,
        error: { message: 'upstream said no', failure_type: 'system_error' },
      },
    });
    const bin = script('trace.sh', `echo '${trace}'; exit 3`);
    const run = tributary(cwd, ['sync', syncFile('traced', `{ command: [${bin}] }`)]);
    expect(run.code).toBe(1);
    expectOneLine(run.stderr, 'sync traced failed: upstream said no');
  });

  it('a non-zero exit', () => {
    const bin = script('exits.sh', 'echo gave up >&2; exit 4');
    const run = tributary(cwd, ['sync', syncFile('exits', `{ command: [${bin}] }`)]);
    expect(run.code).toBe(1);
    expectOneLine(
      run.stderr,
      `sync exits failed: source command '${bin} read' exited with code 4: gave up`,
    );
  });

  it('the memory limit, for a wrapper script and the program it starts', () => {
    const wrap = path.join(ENGINE_FIXTURES, 'commands/wrap.sh');
    const config = `{ mode: allocate, pid_file: ${path.join(cwd, 'pids.json')}, cap_mib: 200, seconds: 15 }`;
    const run = tributary(
      cwd,
      [
        'sync',
        syncFile('hog', `{ command: [${wrap}], limits: { memory_mib: 100 }, config: ${config} }`),
      ],
      { TREE_SOURCE_NODE: process.execPath },
    );
    expect(run.code).toBe(1);
    const failed = run.stderr.split('\n').find((l) => l.startsWith('sync hog failed'));
    expect(failed).toMatch(
      /^sync hog failed: source command '.*wrap\.sh read' exceeded its memory limit \(memory_mib: 100; resident memory reached \d+ MiB\)$/,
    );
    expect(run.stderr).not.toContain(BANNER);
  });

  it('one line from `tributary read` too', () => {
    const bin = script('read-malformed.sh', "echo 'this is not a protocol message'");
    const run = tributary(cwd, ['read', syncFile('reads', `{ command: [${bin}] }`)]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: source command '${bin} read' stdout, line 2: not JSON: this is not a protocol message\n`,
    );
  });

  it('keeps the bug banner and the stack for an error nobody raised on purpose', () => {
    writeFileSync(path.join(cwd, 'items.csv'), 'id,name\n1,a\n');
    const fixture = path.join(ENGINE_FIXTURES, 'secret-source/index.js');
    const file = syncFile(
      'buggy',
      `{ package: ${fixture}, config: { api_token: t0ken, fail: true, files: { streams: [{ name: items, path: items.csv }] } } }`,
    );
    const run = tributary(cwd, ['sync', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${BANNER}.\nError: upstream refused token **********\n    at `);
    expect(run.stderr).toContain('Please report it');
  });
});
