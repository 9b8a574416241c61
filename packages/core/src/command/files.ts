import { readFile } from 'node:fs/promises';
import { parseConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import {
  type ConfiguredCatalog,
  ConfiguredCatalog as ConfiguredCatalogSchema,
} from '../messages/catalog.js';
import type { StateMessage } from '../messages/state.js';

/** A JSON file named on the command line; a missing or broken file names itself. */
export async function readJsonFile(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`cannot read the ${what} file '${path}' (${code})`, [], { file: path });
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `the ${what} file '${path}' is not JSON: ${(error as Error).message}`,
      [],
      { file: path },
    );
  }
}

/** The configured catalog of `--catalog FILE`, validated so a typo names its path. */
export async function readCatalogFile(path: string): Promise<ConfiguredCatalog> {
  const raw = await readJsonFile(path, 'catalog');
  return parseConfig(ConfiguredCatalogSchema, raw, 'catalog');
}

const STATE_KINDS = new Set(['STREAM', 'GLOBAL', 'LEGACY']);

/**
 * The states of `--state FILE` in any of the forms Airbyte has used: an array of STATE
 * messages (per stream or global), one STATE message, STATE envelopes as a connector wrote
 * them (`{type: "STATE", state: {...}}`), or the legacy data blob (any other object).
 *
 * A legacy blob keyed by stream names (`{"users": {...}}`, the old per-stream layout) is
 * split into one STREAM state per configured stream it names, so a source written for the
 * per-stream form resumes from it; a blob naming no configured stream stays LEGACY.
 */
export function normalizeStates(raw: unknown, catalog?: ConfiguredCatalog): StateMessage[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw.flatMap((item, index) => asStateMessage(item, index));
  if (typeof raw !== 'object') {
    throw new ConfigError('the state file holds neither a STATE message nor a state object');
  }
  if (looksLikeStateMessage(raw) || isStateEnvelope(raw)) return asStateMessage(raw, 0);
  return fromLegacyBlob(raw as Record<string, unknown>, catalog);
}

/** Reads and normalizes `--state FILE`. */
export async function readStateFile(
  path: string,
  catalog?: ConfiguredCatalog,
): Promise<StateMessage[]> {
  return normalizeStates(await readJsonFile(path, 'state'), catalog);
}

function asStateMessage(item: unknown, index: number): StateMessage[] {
  if (isStateEnvelope(item)) return [item.state as StateMessage];
  if (looksLikeStateMessage(item)) return [item as StateMessage];
  throw new ConfigError(`state file: item [${index}] is not a STATE message`, [], {
    line: index,
  });
}

function isStateEnvelope(value: unknown): value is { type: 'STATE'; state: unknown } {
  const v = value as { type?: unknown; state?: unknown } | null;
  return !!v && v.type === 'STATE' && looksLikeStateMessage(v.state);
}

function looksLikeStateMessage(value: unknown): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  if (typeof v.type === 'string') return STATE_KINDS.has(v.type);
  const stream = v.stream as { stream_descriptor?: unknown } | undefined;
  const global = v.global as { stream_states?: unknown } | undefined;
  return !!stream?.stream_descriptor || Array.isArray(global?.stream_states);
}

function fromLegacyBlob(
  blob: Record<string, unknown>,
  catalog: ConfiguredCatalog | undefined,
): StateMessage[] {
  const streams = new Map(
    (catalog?.streams ?? []).map((s) => [s.stream.name, s.stream.namespace] as const),
  );
  const named = Object.keys(blob).filter((key) => streams.has(key));
  if (named.length === 0) return [{ type: 'LEGACY', data: blob }];
  return named.map((name) => {
    const namespace = streams.get(name);
    const descriptor = namespace === undefined ? { name } : { name, namespace };
    return {
      type: 'STREAM',
      stream: { stream_descriptor: descriptor, stream_state: blob[name] },
    } satisfies StateMessage;
  });
}
