import { PassThrough } from 'node:stream';
import {
  type CommandIo,
  decodeMessage,
  defineDestination,
  defineSource,
  type Message,
  record,
  runConnectorCommand,
  state,
  TributaryError,
} from '@tributary/core';
import { Type } from 'typebox';

// Small real connectors for the adapter's own tests: they echo what the adapter hands them,
// so a test sees exactly which states, messages and errors crossed the command line.

const config = Type.Object({
  name: Type.String(),
  count: Type.Integer({ minimum: 0 }),
  password: Type.Optional(Type.String({ airbyte_secret: true })),
  fail: Type.Optional(Type.Union([Type.Literal('auth'), Type.Literal('bug')])),
});

/** Reads `count` records of stream `items`; its first record carries the states it got. */
export const echoSource = defineSource({
  name: 'echo-source',
  version: '0.0.1',
  config,
  async check(c) {
    if (c.fail === 'auth') {
      throw new TributaryError('auth', `user refused, password ${c.password ?? ''} wrong`);
    }
    return { status: 'SUCCEEDED' };
  },
  async discover() {
    return {
      streams: [
        {
          name: 'items',
          json_schema: { type: 'object', properties: { n: { type: 'integer' } } },
          supported_sync_modes: ['full_refresh'],
        },
      ],
    };
  },
  async *read(c, _catalog, states) {
    if (c.fail === 'bug') throw new Error(`internal bug near ${c.password ?? ''}`);
    yield record('items', { n: 0, states }, 1);
    for (let n = 1; n <= c.count; n += 1) yield record('items', { n }, 1);
    yield state({
      type: 'STREAM',
      stream: { stream_descriptor: { name: 'items' }, stream_state: { n: c.count } },
    });
  },
});

/** Stores nothing; acknowledges each STATE and counts the records before it in a LOG. */
export const echoDestination = defineDestination({
  name: 'echo-destination',
  version: '0.0.1',
  config,
  async check() {
    return { status: 'SUCCEEDED' };
  },
  async *write(_c, _catalog, messages) {
    let records = 0;
    for await (const m of messages) {
      if (m.type === 'RECORD') records += 1;
      if (m.type === 'STATE') {
        yield { type: 'LOG', log: { level: 'INFO', message: `records ${records}` } };
        yield m;
      }
    }
  },
});

/** What an in-process run of the adapter printed. */
export interface InProcessResult {
  code: number;
  messages: Message[];
  stdout: string;
  stderr: string;
}

/** Runs the adapter in this process on in-memory streams. */
export async function runInProcess(
  connector: Parameters<typeof runConnectorCommand>[0],
  argv: string[],
  stdinText = '',
): Promise<InProcessResult> {
  const io: CommandIo = {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
  };
  let stdout = '';
  let stderr = '';
  io.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  io.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  (io.stdin as PassThrough).end(stdinText);
  const code = await runConnectorCommand(connector, argv, io);
  const messages = argv.includes('--help')
    ? []
    : stdout
        .split('\n')
        .filter((l) => l.trim())
        .map((l, i) => decodeMessage(l, i + 1));
  return { code, messages, stdout, stderr };
}
