import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoDestination, echoSource, runInProcess } from './support/echo-connectors.js';

let dir: string;
const file = async (name: string, value: unknown) => {
  const path = join(dir, name);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
};
const catalog = {
  streams: [
    {
      stream: {
        name: 'items',
        json_schema: { type: 'object', properties: { n: { type: 'integer' } } },
        supported_sync_modes: ['full_refresh'],
      },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    },
  ],
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tributary-adapter-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runConnectorCommand, in process', () => {
  it('spec prints one SPEC message', async () => {
    const run = await runInProcess(echoSource, ['spec']);
    expect(run.code).toBe(0);
    expect(run.messages).toHaveLength(1);
    expect(run.messages[0]).toMatchObject({
      type: 'SPEC',
      spec: { protocol_version: '0.2.0', supportsIncremental: true },
    });
  });

  it('--help prints the usage of the role', async () => {
    const source = await runInProcess(echoSource, ['--help']);
    expect(source.code).toBe(0);
    expect(source.stdout).toContain('echo-source read --config FILE --catalog FILE [--state FILE]');
    expect(source.stdout).not.toContain('write');
    const destination = await runInProcess(echoDestination, ['--help']);
    expect(destination.stdout).toContain('echo-destination write --config FILE --catalog FILE');
  });

  it('an unknown command is a TRACE config_error and exit code 1', async () => {
    const run = await runInProcess(echoSource, ['sing']);
    expect(run.code).toBe(1);
    expect(run.messages).toEqual([
      {
        type: 'TRACE',
        trace: {
          type: 'ERROR',
          emitted_at: expect.any(Number),
          error: {
            message: "unknown command 'sing'; see --help",
            failure_type: 'config_error',
            code: 'config',
            details: {},
          },
        },
      },
    ]);
  });

  it('check with a bad config answers FAILED naming every bad field, exit code 0', async () => {
    const config = await file('bad.json', { count: 'x' });
    const run = await runInProcess(echoSource, ['check', '--config', config]);
    expect(run.code).toBe(0);
    expect(run.messages).toEqual([
      {
        type: 'CONNECTION_STATUS',
        connectionStatus: {
          status: 'FAILED',
          message:
            "invalid config:\n  config: missing required field 'name'\n  config.count: expected integer",
        },
      },
    ]);
  });

  it('check refused by the other side answers FAILED with the password masked', async () => {
    const config = await file('auth.json', {
      name: 'a',
      count: 1,
      password: 'hunter22',
      fail: 'auth',
    });
    const run = await runInProcess(echoSource, ['check', '--config', config]);
    expect(run.messages).toEqual([
      {
        type: 'CONNECTION_STATUS',
        connectionStatus: { status: 'FAILED', message: 'user refused, password ********** wrong' },
      },
    ]);
    expect(run.stderr).not.toContain('hunter22');
  });

  it('discover with a bad config is a TRACE config_error without a stack trace', async () => {
    const config = await file('bad2.json', { name: 3, count: 1 });
    const run = await runInProcess(echoSource, ['discover', '--config', config]);
    expect(run.code).toBe(1);
    const error = run.messages[0]?.type === 'TRACE' ? run.messages[0].trace.error : undefined;
    expect(error).toEqual({
      message: 'invalid config:\n  config.name: expected string',
      failure_type: 'config_error',
      code: 'config',
      details: {},
    });
  });

  it('a missing config file names the file', async () => {
    const run = await runInProcess(echoSource, ['discover', '--config', join(dir, 'nope.json')]);
    expect(run.code).toBe(1);
    const error = run.messages[0]?.type === 'TRACE' ? run.messages[0].trace.error : undefined;
    expect(error?.message).toBe(`cannot read the config file '${join(dir, 'nope.json')}' (ENOENT)`);
  });

  it('an internal error is a TRACE system_error with its stack, secrets masked', async () => {
    const config = await file('bug.json', {
      name: 'a',
      count: 1,
      password: 'hunter22',
      fail: 'bug',
    });
    const cat = await file('catalog.json', catalog);
    const run = await runInProcess(echoSource, ['read', '--config', config, '--catalog', cat]);
    expect(run.code).toBe(1);
    const error = run.messages[0]?.type === 'TRACE' ? run.messages[0].trace.error : undefined;
    expect(error?.message).toBe('internal bug near **********');
    expect(error?.failure_type).toBe('system_error');
    expect(error?.stack_trace).toContain('echo-connectors.ts');
    expect(run.stderr).not.toContain('hunter22');
  });

  it('read prints every message, one JSON line each', async () => {
    const config = await file('ok.json', { name: 'a', count: 3 });
    const cat = await file('catalog.json', catalog);
    const run = await runInProcess(echoSource, ['read', '--config', config, '--catalog', cat]);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toHaveLength(6);
    expect(run.messages.map((m) => (m.type === 'RECORD' ? m.record.data.n : m.type))).toEqual([
      0,
      1,
      2,
      3,
      'STATE',
    ]);
  });

  const streamState = { stream_descriptor: { name: 'items' }, stream_state: { n: 7 } };
  const stateForms: Array<[string, unknown, unknown[]]> = [
    [
      'an array of state messages',
      [{ type: 'STREAM', stream: streamState }],
      [{ type: 'STREAM', stream: streamState }],
    ],
    [
      'one state message',
      { type: 'STREAM', stream: streamState },
      [{ type: 'STREAM', stream: streamState }],
    ],
    ['a state message without its type', { stream: streamState }, [{ stream: streamState }]],
    [
      'STATE envelopes as a connector printed them',
      [{ type: 'STATE', state: { type: 'STREAM', stream: streamState } }],
      [{ type: 'STREAM', stream: streamState }],
    ],
    [
      'a legacy blob keyed by stream name',
      { items: { n: 7 } },
      [{ type: 'STREAM', stream: streamState }],
    ],
    ['a legacy blob of another shape', { cursor: 5 }, [{ type: 'LEGACY', data: { cursor: 5 } }]],
    ['an empty file', '', []],
  ];
  for (const [form, content, expected] of stateForms) {
    it(`--state accepts ${form}`, async () => {
      const config = await file('ok.json', { name: 'a', count: 0 });
      const cat = await file('catalog.json', catalog);
      const stateFile = await file('state.json', content);
      const args = ['read', '--config', config, '--catalog', cat, '--state', stateFile];
      const run = await runInProcess(echoSource, args);
      expect(run.code).toBe(0);
      const first = run.messages[0];
      expect(first?.type === 'RECORD' ? first.record.data.states : first).toEqual(expected);
    });
  }

  it('--state refuses an array holding something else, naming the item', async () => {
    const config = await file('ok.json', { name: 'a', count: 0 });
    const cat = await file('catalog.json', catalog);
    const stateFile = await file('state.json', [{ type: 'STREAM', stream: streamState }, 5]);
    const run = await runInProcess(echoSource, [
      'read',
      '--config',
      config,
      '--catalog',
      cat,
      '--state',
      stateFile,
    ]);
    expect(run.code).toBe(1);
    const error = run.messages[0]?.type === 'TRACE' ? run.messages[0].trace.error : undefined;
    expect(error?.message).toBe('state file: item [1] is not a STATE message');
  });

  it('write acknowledges each STATE after the records before it', async () => {
    const config = await file('ok.json', { name: 'a', count: 0 });
    const cat = await file('catalog.json', catalog);
    const lines = [
      '{"type":"RECORD","record":{"stream":"items","data":{"n":1},"emitted_at":1}}',
      '',
      '{"type":"RECORD","record":{"stream":"items","data":{"n":2},"emitted_at":1}}',
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"}}}}',
    ];
    const run = await runInProcess(
      echoDestination,
      ['write', '--config', config, '--catalog', cat],
      `${lines.join('\n')}\n`,
    );
    expect(run.code).toBe(0);
    expect(run.messages).toEqual([
      { type: 'LOG', log: { level: 'INFO', message: 'records 2' } },
      JSON.parse(lines[3]!),
    ]);
  });

  it('write names the malformed stdin line by its number', async () => {
    const config = await file('ok.json', { name: 'a', count: 0 });
    const cat = await file('catalog.json', catalog);
    const stdin = [
      '{"type":"RECORD","record":{"stream":"items","data":{"n":1},"emitted_at":1}}',
      '{"type":"STATE","state":{"type":"STREAM","stream":{"stream_descriptor":{"name":"items"}}}}',
      '{"type":"RECORD","record":',
    ].join('\n');
    const run = await runInProcess(
      echoDestination,
      ['write', '--config', config, '--catalog', cat],
      stdin,
    );
    expect(run.code).toBe(1);
    expect(run.messages.map((m) => m.type)).toEqual(['LOG', 'STATE', 'TRACE']);
    const last = run.messages[2];
    const error = last?.type === 'TRACE' ? last.trace.error : undefined;
    expect(error?.message).toBe('stdin, line 3: not JSON: {"type":"RECORD","record":');
    expect(error?.details).toEqual({ line: 3 });
  });

  it('a source command on a destination is a config error', async () => {
    const config = await file('ok.json', { name: 'a', count: 0 });
    const run = await runInProcess(echoDestination, ['discover', '--config', config]);
    expect(run.code).toBe(1);
    const error = run.messages[0]?.type === 'TRACE' ? run.messages[0].trace.error : undefined;
    expect(error?.message).toBe(
      "'discover' is a source command; echo-destination is a destination",
    );
  });

  it('read without --catalog says what it needs', async () => {
    const run = await runInProcess(echoSource, ['read', '--config', 'x.json']);
    const error = run.messages[0]?.type === 'TRACE' ? run.messages[0].trace.error : undefined;
    expect(error?.message).toBe("command 'read' needs --catalog FILE");
  });
});
