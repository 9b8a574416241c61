import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type Catalog,
  type ConfiguredCatalog,
  type ConnectionStatus,
  type ConnectorContext,
  type ConnectorSpecification,
  type Destination,
  decodeMessage,
  fromTraceError,
  type Message,
  parseConfig,
  type Source,
  type StateMessage,
} from '@tributary/core';
import type { TSchema } from 'typebox';
import { exited, feed, runConnectorProcess, startConnectorProcess } from './process.js';

/**
 * A Source whose every method runs the connector's built bin as a child process through
 * the stdio adapter, so the acceptance suite can test the command exactly as a host runs
 * it. A TRACE ERROR from the child is thrown again here as the error it stands for.
 */
export function commandSource(bin: string): Source {
  const base = commandBase(bin);
  return {
    ...base,
    role: 'source',
    async discover(config, ctx) {
      const found = await runWithFiles(bin, 'discover', { config }, ctx);
      return pick(found, 'CATALOG', bin).catalog as Catalog;
    },
    read(config, catalog, state, ctx) {
      return streamCommand(bin, 'read', { config, catalog, state }, ctx);
    },
  };
}

/** A Destination over the connector's built bin, like `commandSource`. */
export function commandDestination(bin: string): Destination {
  const base = commandBase(bin);
  return {
    ...base,
    role: 'destination',
    write(config, catalog, messages, ctx) {
      return streamCommand(bin, 'write', { config, catalog }, ctx, messages);
    },
    async committedState(config, catalog, ctx) {
      const found = await runWithFiles(bin, 'committed-state', { config, catalog }, ctx);
      return found.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
    },
    async resetState(config, catalog, streams, ctx) {
      const extra = streams.flatMap((name) => ['--stream', name]);
      await runWithFiles(bin, 'reset-state', { config, catalog }, ctx, extra);
    },
  };
}

function commandBase(bin: string) {
  let spec: ConnectorSpecification | undefined;
  const loadSpec = (): ConnectorSpecification => {
    if (spec) return spec;
    const result = spawnSync(process.execPath, [bin, 'spec'], { encoding: 'utf8' });
    const messages = result.stdout
      .split('\n')
      .filter((line) => line.trim())
      .map((line, index) => decodeMessage(line, index + 1, `${bin} stdout`));
    spec = pick(messages, 'SPEC', bin).spec as ConnectorSpecification;
    return spec;
  };
  return {
    name: basename(dirname(dirname(bin))),
    version: '0.0.0',
    get configSchema() {
      return loadSpec().connectionSpecification as unknown as TSchema;
    },
    spec: loadSpec,
    parseConfig: (raw: unknown) =>
      parseConfig(loadSpec().connectionSpecification as unknown as TSchema, raw) as Record<
        string,
        unknown
      >,
    async check(config: unknown, ctx: ConnectorContext): Promise<ConnectionStatus> {
      const found = await runWithFiles(bin, 'check', { config }, ctx);
      return pick(found, 'CONNECTION_STATUS', bin).connectionStatus as ConnectionStatus;
    },
  };
}

interface Inputs {
  config: unknown;
  catalog?: ConfiguredCatalog;
  state?: StateMessage[];
}

/** Writes the inputs as files in a fresh temp dir and returns the matching arguments. */
async function inputFiles(inputs: Inputs): Promise<{ dir: string; args: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-command-'));
  const args: string[] = [];
  for (const [name, value] of Object.entries(inputs)) {
    if (value === undefined) continue;
    const path = join(dir, `${name}.json`);
    await writeFile(path, JSON.stringify(value));
    args.push(`--${name}`, path);
  }
  return { dir, args };
}

async function runWithFiles(
  bin: string,
  command: string,
  inputs: Inputs,
  ctx: ConnectorContext,
  extra: string[] = [],
): Promise<Message[]> {
  const { dir, args } = await inputFiles(inputs);
  try {
    ctx.signal.throwIfAborted();
    const result = await runConnectorProcess(bin, [command, ...args, ...extra]);
    throwOnTraceError(result.messages);
    if (result.exitCode !== 0) throw exitError(bin, command, result.exitCode, result.stderr);
    return result.messages;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `read` or `write` and yields the child's messages as they come. For `write`, the
 * input is fed with backpressure; when the input throws, the child gets SIGTERM (so it rolls
 * back as an in-process destination would) and the input's error is thrown here.
 */
async function* streamCommand(
  bin: string,
  command: 'read' | 'write',
  inputs: Inputs,
  ctx: ConnectorContext,
  input?: AsyncIterable<Message>,
): AsyncGenerator<Message> {
  const { dir, args } = await inputFiles(inputs);
  const child = startConnectorProcess(bin, [command, ...args]);
  const stop = () => child.kill('SIGTERM');
  ctx.signal.addEventListener('abort', stop, { once: true });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });

  let inputError: { error: unknown } | undefined;
  const feeding = feed(child.stdin, input ? guard(input) : undefined);
  async function* guard(source: AsyncIterable<Message>): AsyncGenerator<Message> {
    try {
      yield* source;
    } catch (error) {
      inputError = { error };
      // Keep stdin open until the child is gone: an end of input it saw first would read as
      // a normal end, and the records in flight would be committed.
      child.kill('SIGTERM');
      await exited(child);
    }
  }

  let failure: Error | undefined;
  let lineNumber = 0;
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      lineNumber += 1;
      if (!line.trim()) continue;
      const message = decodeMessage(line, lineNumber, `${bin} stdout`);
      if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error) {
        failure ??= fromTraceError(message.trace.error);
        continue;
      }
      yield message;
    }
    const [code] = await exited(child);
    await feeding;
    if (inputError) throw inputError.error;
    if (failure) throw failure;
    if (code !== 0) throw exitError(bin, command, code as number | null, stderr);
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited(child);
    }
    await rm(dir, { recursive: true, force: true });
  }
}

function pick<T extends Message['type']>(
  messages: Message[],
  type: T,
  bin: string,
): Extract<Message, { type: T }> {
  const found = messages.find((m) => m.type === type);
  if (!found) throw new Error(`${bin}: no ${type} message in its output`);
  return found as Extract<Message, { type: T }>;
}

function throwOnTraceError(messages: Message[]): void {
  for (const m of messages) {
    if (m.type === 'TRACE' && m.trace.type === 'ERROR' && m.trace.error) {
      throw fromTraceError(m.trace.error);
    }
  }
}

function exitError(bin: string, command: string, code: number | null, stderr: string): Error {
  const tail = stderr.trim().split('\n').slice(-5).join('\n');
  return new Error(`${bin} ${command} exited with code ${code}\n${tail}`);
}
