import type {
  Catalog,
  ConfiguredCatalog,
  ConfiguredStream,
  Message,
  Source,
  StateMessage,
} from '@tributary/core';
import { compareValues, primaryKeyOf, valueAt } from '@tributary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { atPath, cursorOf, cursorPaths, maxCursor, withFutureCursor } from './cursor-state.js';
import {
  assertSameRecords,
  canonical,
  collect,
  recordsByStream,
  stateStreams,
  statesOf,
} from './records.js';
import { recordChecker, schemaProblems } from './schemas.js';
import {
  type CommonOptions,
  describeCommonChecks,
  type Lacks,
  resolve,
  testContext,
} from './shared.js';

type Data = Record<string, unknown>;

/** Options of `describeSourceAcceptance`. */
export interface SourceAcceptanceOptions extends CommonOptions<Source> {
  /** The describe block's title (default: the connector's name). */
  name?: string;
  /** The catalog to read; default: every discovered stream, incremental where it can be. */
  catalog?: (discovered: Catalog) => ConfiguredCatalog;
  /** Exact records per stream of a first read (order aside). */
  expectedRecords?: Record<string, Data[]>;
  /** The primary key discover must report per stream. */
  expectedPrimaryKeys?: Record<string, string[][]>;
  /**
   * Changes the source after a first read and returns, per stream, exactly the records an
   * incremental read from that read's last state must now give. Required for a source with
   * incremental streams. Per stream: add a record sharing the last cursor value (ties are
   * neither lost nor sent twice) and change a record already read, giving it a later cursor
   * (changed records come again), unless `lacks.changes` says why the source cannot.
   */
  mutate?: { changeSource(firstRead: Record<string, Data[]>): Promise<Record<string, Data[]>> };
  lacks?: SourceLacks;
}

/** `Lacks`, and what only a source can lack. */
export interface SourceLacks extends Lacks {
  /** No stream can be read incrementally: no state checks, no `mutate`. */
  incremental?: string;
  /** A record once read never changes (an append-only log): `mutate` only adds. */
  changes?: string;
}

/**
 * The acceptance suite of a source, as one describe block: spec, check, discover, read
 * (schemas, repeatable full refresh, monotonic states, incremental resume). Call it from
 * the connector's own vitest file, with the object or `commandSource(bin)`.
 */
export function describeSourceAcceptance(options: SourceAcceptanceOptions): void {
  let source: Source;
  let config: unknown;
  let catalog: ConfiguredCatalog;
  let discovered: Catalog;
  let firstRead: Message[] | undefined;
  const timeout = options.timeoutMs ?? 30_000;

  const readAll = async (c: ConfiguredCatalog, state: StateMessage[] = []) =>
    collect(source.read(config, c, state, testContext()));
  const first = async () => {
    firstRead ??= await readAll(catalog);
    return firstRead;
  };

  describe(`source acceptance: ${options.name ?? 'source'}`, { timeout }, () => {
    beforeAll(async () => {
      source = await resolve(options.connector);
      config = await resolve(options.config);
      discovered = await source.discover(config, testContext());
      catalog = options.catalog ? options.catalog(discovered) : defaultCatalog(discovered);
    }, timeout);

    describeCommonChecks(options, () => ({ connector: source, config }));

    it('discover: every stream has a schema, its primary key and, when incremental, a cursor', () => {
      expect(discovered.streams.length, 'discover found no stream').toBeGreaterThan(0);
      if (options.lacks?.incremental) {
        const offered = discovered.streams.filter((s) =>
          s.supported_sync_modes.includes('incremental'),
        );
        expect(
          offered.map((s) => s.name),
          'lacks.incremental is declared, yet discover offers incremental on',
        ).toEqual([]);
      }
      for (const stream of discovered.streams) {
        const label = `stream '${stream.name}'`;
        expect(schemaProblems(stream.json_schema, `${label} json_schema`)).toEqual([]);
        const properties = stream.json_schema.properties as Data | undefined;
        expect(properties, `${label}: json_schema has no properties`).toBeTypeOf('object');
        expect(stream.supported_sync_modes.length, `${label}: no sync mode`).toBeGreaterThan(0);
        if (stream.supported_sync_modes.includes('incremental') && stream.source_defined_cursor) {
          const cursor = stream.default_cursor_field ?? [];
          expect(cursor.length, `${label}: incremental without a default cursor`).toBeGreaterThan(
            0,
          );
          expect(
            properties?.[cursor[0]!],
            `${label}: cursor '${cursor[0]}' not in its schema`,
          ).toBeDefined();
        }
        const expectedKey = options.expectedPrimaryKeys?.[stream.name];
        if (expectedKey) {
          expect(stream.source_defined_primary_key, `${label}: primary key`).toEqual(expectedKey);
        }
        for (const path of stream.source_defined_primary_key ?? []) {
          expect(
            properties?.[path[0]!],
            `${label}: key '${path[0]}' not in its schema`,
          ).toBeDefined();
        }
      }
    });

    it('read: every record conforms to its stream schema', async () => {
      const messages = await first();
      const checkers = new Map(
        catalog.streams.map((s) => [s.stream.name, recordChecker(s.stream.json_schema)]),
      );
      const problems: string[] = [];
      for (const m of messages) {
        if (m.type !== 'RECORD') continue;
        const check = checkers.get(m.record.stream);
        if (!check) {
          problems.push(`stream '${m.record.stream}' is not in the catalog`);
          continue;
        }
        for (const p of check(m.record.data)) {
          problems.push(`stream '${m.record.stream}', record ${canonical(m.record.data)}: ${p}`);
        }
      }
      expect(problems.slice(0, 20)).toEqual([]);
      const byStream = recordsByStream(messages);
      for (const [stream, expected] of Object.entries(options.expectedRecords ?? {})) {
        assertSameRecords(stream, byStream.get(stream) ?? [], expected, 'first read');
      }
    });

    it('read: a full refresh read twice gives the same records', async () => {
      const full = {
        streams: catalog.streams.map((s) => ({ ...s, sync_mode: 'full_refresh' as const })),
      };
      const once = recordsByStream(await readAll(full));
      const twice = recordsByStream(await readAll(full));
      for (const s of full.streams) {
        const name = s.stream.name;
        assertSameRecords(name, twice.get(name) ?? [], once.get(name) ?? [], 'second full refresh');
      }
    });

    it('read: STATE messages name configured streams and their cursor never goes back', async (ctx) => {
      const messages = await first();
      const names = new Set(catalog.streams.map((s) => s.stream.name));
      const states = statesOf(messages);
      for (const state of states) {
        for (const name of stateStreams(state)) {
          expect(names.has(name), `STATE for stream '${name}' not in the catalog`).toBe(true);
        }
      }
      const incremental = incrementalStreams(catalog);
      if (options.lacks?.incremental) return ctx.skip();
      expectIncremental(incremental);
      for (const stream of incremental) {
        const name = stream.stream.name;
        const cursor = cursorOf(stream)!;
        const own = states.filter((s) => stateStreams(s).includes(name));
        expect(own.length, `stream '${name}': an incremental read gave no STATE`).toBeGreaterThan(
          0,
        );
        const records = recordsByStream(messages).get(name) ?? [];
        const max = maxCursor(records, cursor);
        if (max === undefined) continue;
        const paths = cursorPaths(own[own.length - 1], max, cursor.type);
        expect(
          paths.length,
          `stream '${name}': last STATE does not hold the cursor ${JSON.stringify(max)}`,
        ).toBeGreaterThan(0);
        let previous: unknown;
        for (const state of own) {
          const value = atPath(state, paths[0]!);
          if (value === undefined || value === null) continue;
          if (previous !== undefined) {
            expect(
              compareValues(value, previous, cursor.type),
              `stream '${name}': STATE cursor went from ${JSON.stringify(previous)} to ${JSON.stringify(value)}`,
            ).toBeGreaterThanOrEqual(0);
          }
          previous = value;
        }
      }
    });

    it('read: a state far in the future gives no records', async (ctx) => {
      const incremental = incrementalStreams(catalog);
      if (options.lacks?.incremental) return ctx.skip();
      expectIncremental(incremental);
      const messages = await first();
      const states = statesOf(messages);
      const future: StateMessage[] = [];
      for (const stream of incremental) {
        const name = stream.stream.name;
        const cursor = cursorOf(stream)!;
        const last = states.filter((s) => stateStreams(s).includes(name)).at(-1);
        const max = maxCursor(recordsByStream(messages).get(name) ?? [], cursor);
        if (!last || max === undefined) continue;
        const paths = cursorPaths(last, max, cursor.type);
        expect(
          paths.length,
          `stream '${name}': last STATE does not hold the cursor ${JSON.stringify(max)}`,
        ).toBeGreaterThan(0);
        future.push(withFutureCursor(last, paths, cursor.type));
      }
      const after = recordsByStream(await readAll({ streams: incremental }, future));
      for (const stream of incremental) {
        const name = stream.stream.name;
        assertSameRecords(name, after.get(name) ?? [], [], 'read from a far-future state');
      }
    });

    it('read: an incremental read from the last state gives exactly the records added or changed since', async (ctx) => {
      const incremental = incrementalStreams(catalog);
      if (options.lacks?.incremental) return ctx.skip();
      expectIncremental(incremental);
      expect(
        options.mutate,
        'mutate is required for a source with incremental streams: it adds and changes records',
      ).toBeDefined();
      const messages = await first();
      const byStream = recordsByStream(messages);
      const expected = await options.mutate!.changeSource(Object.fromEntries(byStream));
      for (const stream of incremental) {
        const name = stream.stream.name;
        const cursor = cursorOf(stream)!;
        const read = byStream.get(name) ?? [];
        const max = maxCursor(read, cursor);
        const added = expected[name] ?? [];
        const tie = added.some((r) => compareValues(r[cursor.field[0]!], max, cursor.type) === 0);
        expect(
          tie,
          `stream '${name}': mutate must add a record with the last cursor ${JSON.stringify(max)}`,
        ).toBe(true);
        if (!options.lacks?.changes) expectChanged(stream, read, added);
      }
      const lastStates = lastStatePerStream(statesOf(messages));
      const after = recordsByStream(await readAll({ streams: incremental }, lastStates));
      for (const stream of incremental) {
        const name = stream.stream.name;
        assertSameRecords(name, after.get(name) ?? [], expected[name] ?? [], 'incremental read');
      }
    });
  });
}

/** Every discovered stream: incremental where it has a cursor, full refresh elsewhere. */
export function defaultCatalog(discovered: Catalog): ConfiguredCatalog {
  return {
    streams: discovered.streams.map((stream): ConfiguredStream => {
      const cursor = stream.default_cursor_field ?? [];
      const incremental = stream.supported_sync_modes.includes('incremental') && cursor.length > 0;
      const configured: ConfiguredStream = {
        stream,
        sync_mode: incremental ? 'incremental' : 'full_refresh',
        destination_sync_mode: 'append',
      };
      if (incremental) configured.cursor_field = cursor;
      return configured;
    }),
  };
}

/** A source that reads nothing incrementally proves none of the state checks: say so. */
function expectIncremental(incremental: ConfiguredStream[]): void {
  expect(
    incremental.length,
    'no stream of the catalog is read incrementally: configure one, or declare ' +
      'lacks.incremental with the reason',
  ).toBeGreaterThan(0);
}

/**
 * `mutate` changed a record of the first read: one of its records has the key of a record
 * read before and other data, so the incremental check covers a changed record too.
 */
function expectChanged(stream: ConfiguredStream, read: Data[], added: Data[]): void {
  const name = stream.stream.name;
  const key = primaryKeyOf(stream);
  expect(
    key.length,
    `stream '${name}': no primary key, so a changed record cannot be told from a new one; ` +
      'declare lacks.changes with the reason',
  ).toBeGreaterThan(0);
  const keyOf = (data: Data) => canonical(key.map((path) => valueAt(data, path)));
  const before = new Map(read.map((data) => [keyOf(data), canonical(data)]));
  const changed = added.some((data) => {
    const was = before.get(keyOf(data));
    return was !== undefined && was !== canonical(data);
  });
  expect(
    changed,
    `stream '${name}': mutate must change a record already read (same primary key, a later ` +
      'cursor), or lacks.changes say why the source cannot',
  ).toBe(true);
}

function incrementalStreams(catalog: ConfiguredCatalog): ConfiguredStream[] {
  return catalog.streams.filter((s) => s.sync_mode === 'incremental' && cursorOf(s));
}

/** The last state of each stream (and the last global one), as a host would resume with. */
function lastStatePerStream(states: StateMessage[]): StateMessage[] {
  const last = new Map<string, StateMessage>();
  for (const state of states) {
    const key = state.global ? '__global__' : (stateStreams(state)[0] ?? '__legacy__');
    last.set(key, state);
  }
  return [...last.values()];
}
