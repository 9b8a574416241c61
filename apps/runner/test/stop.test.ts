import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { BIN, demoCwd } from './helpers.js';

vi.setConfig({ testTimeout: 60_000 });

let cwd: string;
let cleanup: () => void;
beforeAll(() => {
  ({ cwd, cleanup } = demoCwd());
  // Far more output than a pipe holds, and a sync long enough for progress lines after the
  // reader has gone: the command must meet the closed pipe.
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i},name ${i},${i % 97}.25`);
  writeFileSync(path.join(cwd, 'many.csv'), `id,name,amount\n${rows.join('\n')}\n`);
  writeFileSync(
    path.join(cwd, 'many.yaml'),
    `syncs:
  - name: many
    source: { package: '@tributary/source-file', config: { streams: [{ name: many, path: many.csv }] } }
    destination: { package: '@tributary/destination-sqlite', config: { path: many.db } }
    streams: [{ name: many }]
`,
  );
});
afterAll(() => cleanup());

/** Runs the CLI as `tributary ARGS | head -1`: the reader leaves after the first line. */
function firstLineOnly(
  args: string[],
): Promise<{ code: number | null; line: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('\n')) child.stdout.destroy();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const bound = setTimeout(() => child.kill('SIGKILL'), 45_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(bound);
      resolve({ code, line: out.slice(0, out.indexOf('\n')), stderr });
    });
  });
}

it('`sync --json | head -1` ends quietly with 141 (128 + SIGPIPE)', async () => {
  const run = await firstLineOnly(['sync', 'many.yaml', '--json']);
  expect(JSON.parse(run.line)).toMatchObject({ event: 'sync:start' });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(141);
});

it('`read | head -1` ends quietly with 141, its source stopped', async () => {
  const run = await firstLineOnly(['read', 'many.yaml']);
  expect(JSON.parse(run.line)).toMatchObject({ type: 'RECORD', record: { stream: 'many' } });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(141);
});

const WRAP = fileURLToPath(
  new URL('../../../packages/engine/test/fixtures/commands/wrap.sh', import.meta.url),
);

/** A process that exists and is not a zombie (nothing here reaps orphans). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

it.each(['sync', 'read'])(
  'Ctrl-C on `%s` stops the command connector and all it started, exit 130',
  async (command) => {
    const pidFile = path.join(cwd, `pids-${command}.json`);
    const config = `{ mode: wait, pid_file: ${pidFile}, cap_mib: 0, seconds: 20 }`;
    writeFileSync(
      path.join(cwd, 'wrapped.yaml'),
      `syncs:
  - name: wrapped
    source: { command: [${WRAP}], config: ${config} }
    destination: { package: '@tributary/destination-sqlite', config: { path: wrapped.db } }
    streams: [{ name: items }]
`,
    );
    const child = spawn(process.execPath, [BIN, command, 'wrapped.yaml'], {
      cwd,
      env: { ...process.env, TREE_SOURCE_NODE: process.execPath },
      stdio: 'ignore',
    });
    const started = Date.now();
    const bound = setTimeout(() => child.kill('SIGKILL'), 45_000);
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (let i = 0; i < 300 && !existsSync(pidFile); i++) await sleep(50);
    await sleep(100);
    child.kill('SIGINT');
    const code = await closed;
    clearTimeout(bound);
    expect(code).toBe(130);
    expect(Date.now() - started).toBeLessThan(15_000);
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { shell: number; node: number };
    expect({ shell: alive(pids.shell), node: alive(pids.node) }).toEqual({
      shell: false,
      node: false,
    });
  },
);
