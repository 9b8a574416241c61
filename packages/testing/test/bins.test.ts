import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Message } from '@tributary/core';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnectorProcess, startConnectorProcess } from '../src/index.js';

// The stdio adapter as a host meets it: the built source-file and destination-sqlite bins
// as child processes (build them first).

const connectors = new URL('../../../connectors/', import.meta.url);
const sourceBin = fileURLToPath(new URL('source-file/dist/bin.js', connectors));
const destinationBin = fileURLToPath(new URL('destination-sqlite/dist/bin.js', connectors));

let dir: string;
let files: { source: string; destination: string; catalog: string; db: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-bins-'));
  const csv = join(dir, 'orders.csv');
  await writeFile(csv, 'id,amount,updated_at\n1,10.50,1\n2,3.25,2\n3,4.00,2\n');
  const source = join(dir, 'source.json');
  await writeFile(
    source,
    JSON.stringify({
      streams: [{ name: 'orders', path: csv, primary_key: ['id'], cursor_field: 'updated_at' }],
    }),
  );
  const db = join(dir, 'out.db');
  const destination = join(dir, 'destination.json');
  await writeFile(destination, JSON.stringify({ path: db }));
  files = { source, destination, catalog: join(dir, 'catalog.json'), db };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const rows = (db: string) => {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare('SELECT id, amount, updated_at FROM orders ORDER BY id').all();
  } finally {
    conn.close();
  }
};
const errorOf = (messages: Message[]) =>
  messages.flatMap((m) => (m.type === 'TRACE' && m.trace.error ? [m.trace.error] : []))[0];

describe('connector bins over stdio', { timeout: 30_000 }, () => {
  it('spec prints the SPEC message and nothing else on stdout', async () => {
    const run = await runConnectorProcess(sourceBin, ['spec']);
    expect(run.exitCode).toBe(0);
    expect(run.messages.map((m) => m.type)).toEqual(['SPEC']);
  });

  it('check answers SUCCEEDED for a valid config, FAILED for a bad one', async () => {
    const ok = await runConnectorProcess(destinationBin, ['check', '--config', files.destination]);
    expect(ok.messages).toEqual([
      {
        type: 'CONNECTION_STATUS',
        connectionStatus: {
          status: 'SUCCEEDED',
          message: `SQLite database '${files.db}' is writable`,
        },
      },
    ]);
    const badPath = join(dir, 'bad.json');
    await writeFile(badPath, JSON.stringify({ path: 3 }));
    const bad = await runConnectorProcess(destinationBin, ['check', '--config', badPath]);
    expect(bad.exitCode).toBe(0);
    expect(bad.messages).toEqual([
      {
        type: 'CONNECTION_STATUS',
        connectionStatus: {
          status: 'FAILED',
          message: 'invalid config:\n  config.path: expected string',
        },
      },
    ]);
    expect(JSON.parse(bad.stderr.trim())).toMatchObject({
      level: 'warn',
      component: 'destination-sqlite',
      message: 'check failed',
      code: 'config',
    });
  });

  it('discover, read and write carry a stream from the CSV file into SQLite', async () => {
    const discover = await runConnectorProcess(sourceBin, ['discover', '--config', files.source]);
    expect(discover.exitCode).toBe(0);
    const catalog =
      discover.messages[0]?.type === 'CATALOG' ? discover.messages[0].catalog : undefined;
    expect(catalog?.streams.map((s) => [s.name, s.source_defined_primary_key])).toEqual([
      ['orders', [['id']]],
    ]);
    const configured = {
      streams: catalog!.streams.map((stream) => ({
        stream,
        sync_mode: 'incremental',
        destination_sync_mode: 'append_dedup',
        cursor_field: ['updated_at'],
      })),
    };
    await writeFile(files.catalog, JSON.stringify(configured));

    const read = await runConnectorProcess(sourceBin, [
      'read',
      '--config',
      files.source,
      '--catalog',
      files.catalog,
    ]);
    expect(read.exitCode).toBe(0);
    expect(read.messages.filter((m) => m.type === 'RECORD')).toHaveLength(3);

    const write = await runConnectorProcess(
      destinationBin,
      ['write', '--config', files.destination, '--catalog', files.catalog],
      { stdin: read.messages },
    );
    expect(write.exitCode).toBe(0);
    const lastState = read.messages.filter((m) => m.type === 'STATE').at(-1);
    expect(write.messages.filter((m) => m.type === 'STATE')).toEqual([lastState]);
    expect(rows(files.db)).toEqual([
      { id: 1, amount: '10.50', updated_at: 1 },
      { id: 2, amount: '3.25', updated_at: 2 },
      { id: 3, amount: '4.00', updated_at: 2 },
    ]);

    const committed = await runConnectorProcess(destinationBin, [
      'committed-state',
      '--config',
      files.destination,
      '--catalog',
      files.catalog,
    ]);
    expect(committed.messages).toEqual([lastState]);
  });

  it('read resumes from a legacy state blob keyed by stream name', async () => {
    const state = join(dir, 'legacy-state.json');
    await writeFile(state, JSON.stringify({ orders: { cursor: 1 } }));
    const read = await runConnectorProcess(sourceBin, [
      'read',
      '--config',
      files.source,
      '--catalog',
      files.catalog,
      '--state',
      state,
    ]);
    expect(read.exitCode).toBe(0);
    expect(read.messages.flatMap((m) => (m.type === 'RECORD' ? [m.record.data.id] : []))).toEqual([
      2, 3,
    ]);
  });

  it('read resumes from a single STATE message', async () => {
    const state = join(dir, 'one-state.json');
    await writeFile(
      state,
      JSON.stringify({
        type: 'STREAM',
        stream: {
          stream_descriptor: { name: 'orders' },
          stream_state: { cursor: 2, keys_at_cursor: ['id=2'] },
        },
      }),
    );
    const read = await runConnectorProcess(sourceBin, [
      'read',
      '--config',
      files.source,
      '--catalog',
      files.catalog,
      '--state',
      state,
    ]);
    expect(read.messages.flatMap((m) => (m.type === 'RECORD' ? [m.record.data.id] : []))).toEqual([
      3,
    ]);
  });

  it('write names a malformed stdin line by its number and commits nothing after it', async () => {
    const db = join(dir, 'malformed.db');
    const config = join(dir, 'malformed.json');
    await writeFile(config, JSON.stringify({ path: db }));
    const record = (id: number) =>
      JSON.stringify({
        type: 'RECORD',
        record: { stream: 'orders', data: { id, amount: '1', updated_at: id }, emitted_at: 1 },
      });
    const stateLine = JSON.stringify({
      type: 'STATE',
      state: {
        type: 'STREAM',
        stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 1 } },
      },
    });
    const stdin = `${record(1)}\n${stateLine}\n${record(2)}\n{"type":"RECORD"\n${record(3)}\n`;
    const run = await runConnectorProcess(
      destinationBin,
      ['write', '--config', config, '--catalog', files.catalog],
      { stdin },
    );
    expect(run.exitCode).toBe(1);
    expect(errorOf(run.messages)?.message).toBe('stdin, line 4: not JSON: {"type":"RECORD"');
    expect(run.messages.filter((m) => m.type === 'STATE')).toEqual([JSON.parse(stateLine)]);
    expect(rows(db)).toEqual([{ id: 1, amount: '1', updated_at: 1 }]);
  });

  it('SIGTERM during write rolls back what no STATE covers', async () => {
    const db = join(dir, 'sigterm.db');
    const config = join(dir, 'sigterm.json');
    await writeFile(config, JSON.stringify({ path: db }));
    const child = startConnectorProcess(destinationBin, [
      'write',
      '--config',
      config,
      '--catalog',
      files.catalog,
    ]);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const acked = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('"STATE"')) resolve();
      });
    });
    const line = (id: number) =>
      `${JSON.stringify({ type: 'RECORD', record: { stream: 'orders', data: { id, amount: '1', updated_at: id }, emitted_at: 1 } })}\n`;
    child.stdin.write(line(1));
    child.stdin.write(
      `${JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'orders' }, stream_state: { cursor: 1 } } } })}\n`,
    );
    await acked;
    child.stdin.write(line(2));
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    const trace = stdout.split('\n').filter((l) => l.includes('"TRACE"'));
    expect(trace.map((l) => JSON.parse(l).trace.error.code)).toEqual(['cancelled']);
    expect(rows(db)).toEqual([{ id: 1, amount: '1', updated_at: 1 }]);
  });
});
