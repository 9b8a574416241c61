import * as path from 'node:path';
import {
  type Catalog,
  ConfigError,
  type ConnectionStatus,
  type ConnectorContext,
  type ConnectorSpecification,
  type Destination,
  type Message,
  parseConfig,
  type Source,
  type StateMessage,
  silentLogger,
  stateKind,
} from '@tributary/core';
import type { TSchema } from 'typebox';
import { type CommandConnectorOptions, type CommandInputs, ConnectorProcess } from './child.js';
import { CommandRead } from './command-read.js';
import { writeCommand } from './command-write.js';
import { withJsonDefaults } from './json-defaults.js';

/**
 * A Source run as a child process: `discover` and `read` are commands of the Airbyte
 * protocol, so the engine's pipe is the same in process and out of it. The spec is asked
 * once when the connector is opened, so configs validate before anything runs.
 */
export async function commandSource(options: CommandConnectorOptions): Promise<Source> {
  const base = await commandBase(options);
  return {
    ...base,
    role: 'source',
    async discover(config, ctx) {
      const messages = await runCommand(options, 'discover', { config }, ctx);
      return pick(messages, 'CATALOG', options).catalog as Catalog;
    },
    read(config, catalog, states, ctx) {
      return new CommandRead(options, { config, catalog, state: stateInput(states) }, ctx);
    },
  };
}

/** A Destination run as a child process; its `write` reads the messages on its stdin. */
export async function commandDestination(options: CommandConnectorOptions): Promise<Destination> {
  const base = await commandBase(options);
  return {
    ...base,
    role: 'destination',
    write(config, catalog, messages, ctx) {
      return writeCommand(options, { config, catalog }, messages, ctx);
    },
    async committedState(config, catalog, ctx) {
      let messages: Message[];
      try {
        messages = await runCommand(options, 'committed-state', { config, catalog }, ctx);
      } catch (error) {
        // An Airbyte destination has no such command: it keeps no state with its data.
        if (error instanceof ConfigError && /unknown command/.test(error.message)) return [];
        throw error;
      }
      return messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
    },
    async resetState(config, catalog, streams, ctx) {
      const extra = streams.flatMap((name) => ['--stream', name]);
      await runCommand(options, 'reset-state', { config, catalog }, ctx, extra);
    },
  };
}

async function commandBase(options: CommandConnectorOptions) {
  const ctx = { signal: new AbortController().signal, logger: silentLogger };
  const messages = await runCommand(options, 'spec', {}, ctx);
  const spec = pick(messages, 'SPEC', options).spec as ConnectorSpecification;
  const schema = spec.connectionSpecification as unknown as TSchema;
  return {
    name: commandName(options.argv),
    version: '0.0.0',
    configSchema: schema,
    spec: () => spec,
    parseConfig: (raw: unknown) =>
      parseConfig(schema, withJsonDefaults(schema, raw ?? {})) as Record<string, unknown>,
    async check(config: unknown, ctx: ConnectorContext): Promise<ConnectionStatus> {
      const found = await runCommand(options, 'check', { config }, ctx);
      return pick(found, 'CONNECTION_STATUS', options).connectionStatus as ConnectionStatus;
    },
  };
}

/** Runs a short command to its end and returns its messages; its failure is thrown. */
async function runCommand(
  options: CommandConnectorOptions,
  command: string,
  inputs: CommandInputs,
  ctx: ConnectorContext,
  extra: string[] = [],
): Promise<Message[]> {
  const child = await ConnectorProcess.start(options, command, inputs, ctx, extra);
  try {
    child.child.stdin?.end();
    return await child.drain();
  } finally {
    await child.close();
  }
}

/**
 * The `--state` file: the STATE messages as an array (as Airbyte writes it), except when all are legacy ones
 * (a `data` blob, as older Airbyte sources write), where the blob alone is what such a
 * source reads back.
 */
function stateInput(states: StateMessage[]): unknown {
  if (states.length === 0) return undefined;
  if (states.every((s) => stateKind(s) === 'LEGACY' && s.data !== undefined)) {
    return states[states.length - 1]?.data;
  }
  return states;
}

function pick<T extends Message['type']>(
  messages: Message[],
  type: T,
  options: CommandConnectorOptions,
): Extract<Message, { type: T }> {
  const found = messages.find((m) => m.type === type);
  if (found) return found as Extract<Message, { type: T }>;
  throw new ConfigError(
    `${options.role} command '${options.argv.join(' ')}' printed no ${type} message`,
  );
}

/** A readable name: the script of `node path/bin.js`, else the executable. */
function commandName(argv: readonly string[]): string {
  const last = argv[argv.length - 1] ?? 'command';
  return path.basename(last);
}
