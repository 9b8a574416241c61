import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTOR_HELP, STATE_HELP, STATE_RESET_HELP, STATE_SHOW_HELP } from '../src/help.js';
import { records } from '../src/render/table.js';
import { demoCwd, tributary } from './helpers.js';

describe('--help texts', () => {
  let cwd: string;
  let cleanup: () => void;
  beforeAll(() => {
    ({ cwd, cleanup } = demoCwd());
  });
  afterAll(() => cleanup());

  const optionLines = (help: string) =>
    help
      .slice(help.indexOf('options:\n') + 'options:\n'.length)
      .trimEnd()
      .split('\n');

  it('spec, check, discover and read list every option on a line of its own', () => {
    for (const method of ['spec', 'check', 'discover', 'read']) {
      const help = tributary(cwd, [method, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toBe(CONNECTOR_HELP);
    }
    expect(optionLines(CONNECTOR_HELP)).toEqual([
      '  --sync NAME       the sync of tributary.yaml (optional when it holds one)',
      '  --source          its source connector (the default)',
      '  --destination     its destination connector (spec and check only)',
      '  --file, -f FILE   tributary.yaml (default ./tributary.yaml, or the [file] argument)',
      '  --package PKG     a connector package alone: npm name, package folder or file',
      '  --config FILE     with --package: its config, JSON or YAML (${env:NAME} filled in)',
      '  --verbose, -v     show info logs and stacks',
      '  --help, -h        this help',
    ]);
  });

  it('state show and state reset each print their own help; state alone points to both', () => {
    expect(tributary(cwd, ['state', '--help']).stdout).toBe(STATE_HELP);
    const show = tributary(cwd, ['state', 'show', '--help']);
    const reset = tributary(cwd, ['state', 'reset', '--help']);
    expect([show.code, reset.code]).toEqual([0, 0]);
    expect(show.stdout).toBe(STATE_SHOW_HELP);
    expect(reset.stdout).toBe(STATE_RESET_HELP);
    expect(show.stdout.split('\n')[0]).toBe(
      'usage: tributary state show [SYNC] [--file FILE] [--json]',
    );
    expect(reset.stdout.split('\n')[0]).toBe(
      'usage: tributary state reset SYNC [STREAM] [--file FILE]',
    );
    expect(optionLines(STATE_SHOW_HELP)).toEqual([
      '  --file, -f FILE   tributary.yaml (default ./tributary.yaml); its state.path is used',
      '  --json            machine-readable output',
      '  --help, -h        this help',
    ]);
    expect(optionLines(STATE_RESET_HELP)).toEqual([
      '  --file, -f FILE   tributary.yaml (default ./tributary.yaml); its state.path is used',
      '  --help, -h        this help',
    ]);
  });
});

describe('record counts in words', () => {
  it('say "1 record" and "N records" otherwise', () => {
    expect([0, 1, 2, 113].map(records)).toEqual([
      '0 records',
      '1 record',
      '2 records',
      '113 records',
    ]);
  });

  it('a sync of one row says "(1 record)" when its state is committed', () => {
    const { cwd, cleanup } = demoCwd();
    try {
      writeFileSync(path.join(cwd, 'one.csv'), 'id\n1\n');
      writeFileSync(
        path.join(cwd, 'one.yaml'),
        `syncs:
  - name: one
    source: { package: '@tributary/source-file', config: { streams: [{ name: one, path: one.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: w.db } }
    streams: [{ name: one }]
`,
      );
      const run = tributary(cwd, ['sync', 'one.yaml']);
      expect(run.code).toBe(0);
      const committed = run.stderr.split('\n').filter((l) => l.includes('state committed'));
      expect(committed).toEqual(['  one: state committed (1 record)']);
    } finally {
      cleanup();
    }
  });
});
