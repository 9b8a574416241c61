import {
  type ConfiguredCatalog,
  type ConfiguredStream,
  type ConnectorContext,
  type Logger,
  type Message,
  record,
  state,
  streamState,
} from '@tributary/core';
import { destination } from '../../src/index.js';

/** A warning as logged: its message and metadata. */
export interface Warned {
  message: string;
  meta: Record<string, unknown> | undefined;
}

/** A logger that keeps its warnings. */
export function memoryLogger(): Logger & {
  warnings: string[];
  warned: Warned[];
  infos: string[];
  ddl: string[];
} {
  const warnings: string[] = [];
  const warned: Warned[] = [];
  const infos: string[] = [];
  const ddl: string[] = [];
  return {
    warnings,
    warned,
    infos,
    ddl,
    debug(message, meta) {
      if (message === 'ddl') ddl.push(String(meta?.sql));
    },
    info(message) {
      infos.push(message);
    },
    warn(message, meta) {
      warnings.push(message);
      warned.push({ message, meta });
    },
    error() {},
  };
}

export function context(logger: Logger = memoryLogger()): ConnectorContext {
  return { signal: new AbortController().signal, logger };
}

/** A configured stream from a name, its JSON Schema properties and options. */
export function stream(
  name: string,
  properties: Record<string, unknown>,
  options: Partial<ConfiguredStream> = {},
): ConfiguredStream {
  return {
    stream: {
      name,
      json_schema: { type: 'object', properties },
      supported_sync_modes: ['full_refresh', 'incremental'],
    },
    sync_mode: 'incremental',
    destination_sync_mode: 'append',
    ...options,
  };
}

export function catalogOf(...streams: ConfiguredStream[]): ConfiguredCatalog {
  return { streams };
}

/** Records are emitted at a fixed instant so metadata is predictable. */
export const EMITTED_AT = Date.UTC(2024, 6, 2, 12, 0, 0);

export function records(name: string, rows: Record<string, unknown>[]): Message[] {
  return rows.map((data) => record(name, data, EMITTED_AT));
}

export function stateOf(name: string, value: unknown, sequence: number): Message {
  return state({ ...streamState(name, value), tributary: { generation: 0, sequence } });
}

async function* iterate(messages: Message[], failAfter?: Error): AsyncGenerator<Message> {
  for (const message of messages) yield message;
  if (failAfter) throw failAfter;
}

/** Runs write() to the end; returns what it yielded, or the error it threw with them. */
export async function runWrite(
  config: Record<string, unknown>,
  catalog: ConfiguredCatalog,
  messages: Message[],
  options: { ctx?: ConnectorContext; failAfter?: Error } = {},
): Promise<{ out: Message[]; error: unknown }> {
  const out: Message[] = [];
  try {
    const ctx = options.ctx ?? context();
    for await (const m of destination.write(
      config,
      catalog,
      iterate(messages, options.failAfter),
      ctx,
    )) {
      out.push(m);
    }
    return { out, error: undefined };
  } catch (error) {
    return { out, error };
  }
}

/** The TRACE bodies of one kind among the messages a write yielded. */
export function traces(out: Message[], type: 'REJECT' | 'SCHEMA_CHANGE') {
  return out.flatMap((m) => (m.type === 'TRACE' && m.trace.type === type ? [m.trace] : []));
}
