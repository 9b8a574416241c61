import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ConfiguredCatalog,
  ConnectorContext,
  Logger,
  Message,
  StateMessage,
} from '@tributary/core';
import { source } from '../src/index.js';

/** A temp dir for one test file, removed by `cleanup`. */
export function tempDir(): {
  dir: string;
  write(name: string, body: string | Buffer): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'source-file-'));
  return {
    dir,
    write(name, body) {
      const path = join(dir, name);
      writeFileSync(path, body);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A context whose logger keeps what it is told. */
export function context(): ConnectorContext & {
  warnings: Array<[string, Record<string, unknown>]>;
} {
  const warnings: Array<[string, Record<string, unknown>]> = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (message, meta = {}) => warnings.push([message, meta]),
    error() {},
  };
  return { signal: new AbortController().signal, logger, warnings };
}

type Options = {
  sync_mode?: 'full_refresh' | 'incremental';
  on_bad_record?: 'fail' | 'skip' | 'reject';
  states?: StateMessage[];
  /** Makes every stream append_dedup on this key. */
  primary_key?: string[][];
};

/** discover, then read every stream the way the engine would; all messages returned. */
export async function sync(config: unknown, options: Options = {}, ctx = context()) {
  const catalog = await source.discover(config, ctx);
  const configured: ConfiguredCatalog = {
    streams: catalog.streams.map((stream) => ({
      stream,
      sync_mode: options.sync_mode ?? 'full_refresh',
      destination_sync_mode: options.primary_key ? 'append_dedup' : 'append',
      ...(options.primary_key ? { primary_key: options.primary_key } : {}),
      ...(options.on_bad_record ? { on_bad_record: options.on_bad_record } : {}),
    })),
  };
  const messages: Message[] = [];
  for await (const m of source.read(config, configured, options.states ?? [], ctx))
    messages.push(m);
  return { catalog, messages, ctx };
}

export function records(messages: Message[]): Record<string, unknown>[] {
  return messages.flatMap((m) => (m.type === 'RECORD' ? [m.record.data] : []));
}

export function states(messages: Message[]): StateMessage[] {
  return messages.flatMap((m) => (m.type === 'STATE' ? [m.state] : []));
}

export function cursors(messages: Message[]): unknown[] {
  return states(messages).map(
    (s) => (s.stream?.stream_state as { cursor?: unknown } | undefined)?.cursor,
  );
}

/** Config of one stream reading one path. */
export function one(path: string, extra: Record<string, unknown> = {}) {
  return { streams: [{ name: 's', path, ...extra }] };
}
