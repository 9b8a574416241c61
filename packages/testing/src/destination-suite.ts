import {
  type ConfiguredCatalog,
  type ConfiguredStream,
  type Destination,
  type Message,
  RESERVED_PREFIX,
  record,
  type StateMessage,
  state,
  streamState,
} from '@tributary/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertSameRecords, canonical, collect, statesOf } from './records.js';
import { type CommonOptions, describeCommonChecks, resolve, testContext } from './shared.js';

type Row = Record<string, unknown>;

/** Options of `describeDestinationAcceptance`. */
export interface DestinationAcceptanceOptions extends CommonOptions<Destination> {
  /** The describe block's title (default: 'destination'). */
  name?: string;
  /**
   * Every row of a destination table, columns by name, values as JSON (integers as numbers,
   * text as strings). Metadata columns (`_tributary_*`) may be included; they are ignored.
   */
  readTable(config: unknown, table: string): Promise<Row[]>;
  /** Prefix of the suite's stream (and table) names, to keep reruns apart (default `acc_`). */
  streamPrefix?: string;
}

const EMITTED_AT = 1_700_000_000_000;

/** The suite's test stream: an integer key, a text field and an integer cursor. */
function testStream(name: string, extra: Row = {}): ConfiguredStream {
  return {
    stream: {
      name,
      json_schema: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          name: { type: ['string', 'null'] },
          seq: { type: ['integer', 'null'] },
          ...extra,
        },
      },
      supported_sync_modes: ['full_refresh', 'incremental'],
      source_defined_primary_key: [['id']],
      default_cursor_field: ['seq'],
    },
    sync_mode: 'incremental',
    destination_sync_mode: 'append_dedup',
    primary_key: [['id']],
    cursor_field: ['seq'],
    sync_id: 1,
    generation_id: 0,
  };
}

const row = (stream: string, data: Row): Message => record(stream, data, EMITTED_AT);
const checkpoint = (stream: string, seq: number, sequence: number): StateMessage => ({
  ...streamState(stream, { seq }),
  tributary: { generation: 0, sequence },
});

async function* messagesOf(list: Message[]): AsyncGenerator<Message> {
  yield* list;
}

/** How long the crash test's input waits for the first acknowledgement (ms): a bound only. */
const ACK_WAIT_MS = 10_000;

/** A latch the crash test's input waits on until the first STATE comes back. */
function acknowledgement() {
  let release = () => {};
  const acked = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    done: () => release(),
    wait: async () => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ACK_WAIT_MS);
      });
      await Promise.race([acked, bound]);
      clearTimeout(timer);
    },
  };
}

/**
 * The acceptance suite of a destination: spec, check, then writes of its own test streams
 * (one table each) checking acknowledgements, append_dedup, idempotent replay, a crash
 * between two states, a field added mid-stream and an empty stream.
 */
export function describeDestinationAcceptance(options: DestinationAcceptanceOptions): void {
  let destination: Destination;
  let config: unknown;
  const timeout = options.timeoutMs ?? 30_000;
  const prefix = options.streamPrefix ?? 'acc_';

  const write = (catalog: ConfiguredCatalog, input: AsyncIterable<Message>) =>
    collect(destination.write(config, catalog, input, testContext()));
  const dataRows = async (table: string, columns: string[]) => {
    const rows = await options.readTable(config, table);
    return rows.map((r) => pickColumns(r, columns));
  };

  describe(`destination acceptance: ${options.name ?? 'destination'}`, { timeout }, () => {
    beforeAll(async () => {
      destination = await resolve(options.connector);
      config = await resolve(options.config);
    }, timeout);

    describeCommonChecks(options, () => ({ connector: destination, config }));

    it('write: an empty stream still creates its table', async () => {
      const name = `${prefix}empty`;
      const out = await write({ streams: [testStream(name)] }, messagesOf([]));
      expect(statesOf(out)).toEqual([]);
      assertSameRecords(name, await dataRows(name, ['id', 'name', 'seq']), [], 'table after write');
    });

    const dedupInput = (name: string): Message[] => [
      row(name, { id: 1, name: 'a', seq: 1 }),
      row(name, { id: 2, name: 'b', seq: 1 }),
      row(name, { id: 1, name: 'a2', seq: 2 }),
      state(checkpoint(name, 2, 1)),
      row(name, { id: 3, name: 'c', seq: 3 }),
      row(name, { id: 2, name: 'older', seq: 0 }),
      state(checkpoint(name, 3, 2)),
    ];
    const dedupExpected: Row[] = [
      { id: 1, name: 'a2', seq: 2 },
      { id: 2, name: 'b', seq: 1 },
      { id: 3, name: 'c', seq: 3 },
    ];

    it('write: each STATE comes back once its records are stored; append_dedup keeps the greatest cursor', async () => {
      const name = `${prefix}dedup`;
      const out = await write({ streams: [testStream(name)] }, messagesOf(dedupInput(name)));
      expect(statesOf(out), `stream '${name}': acknowledged states`).toEqual([
        checkpoint(name, 2, 1),
        checkpoint(name, 3, 2),
      ]);
      const rows = await dataRows(name, ['id', 'name', 'seq']);
      assertSameRecords(name, rows, dedupExpected, 'table after write');
    });

    it('write: replaying the same messages twice leaves the same contents', async () => {
      const name = `${prefix}replay`;
      const catalog = { streams: [testStream(name)] };
      await write(catalog, messagesOf(dedupInput(name)));
      const once = await dataRows(name, ['id', 'name', 'seq']);
      await write(catalog, messagesOf(dedupInput(name)));
      const twice = await dataRows(name, ['id', 'name', 'seq']);
      assertSameRecords(name, twice, once, 'table after the replay');
      assertSameRecords(name, twice, dedupExpected, 'table after the replay');
    });

    it('write: a crash between two STATEs keeps exactly the acknowledged records', async () => {
      const name = `${prefix}crash`;
      const catalog = { streams: [testStream(name)] };
      const first = checkpoint(name, 2, 1);
      const ack = acknowledgement();
      // The input fails after the first STATE is acknowledged (or, for a destination that
      // reads ahead, after ACK_WAIT_MS), with two uncovered records in flight.
      async function* input(): AsyncGenerator<Message> {
        yield row(name, { id: 1, name: 'kept', seq: 1 });
        yield row(name, { id: 2, name: 'kept', seq: 2 });
        yield state(first);
        await ack.wait();
        yield row(name, { id: 3, name: 'lost', seq: 3 });
        yield row(name, { id: 1, name: 'lost', seq: 4 });
        throw new Error('acceptance suite: simulated source crash');
      }
      const out: Message[] = [];
      let thrown: unknown;
      try {
        for await (const m of destination.write(config, catalog, input(), testContext())) {
          out.push(m);
          if (m.type === 'STATE') ack.done();
        }
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `stream '${name}': write must fail when its input throws`).toBeDefined();
      const acknowledged = statesOf(out);
      expect(acknowledged, `stream '${name}': acknowledged states`).toEqual([first]);
      let committed = acknowledged;
      if (destination.committedState) {
        const all = await destination.committedState(config, catalog, testContext());
        committed = all.filter((s) => s.stream?.stream_descriptor.name === name);
        expect(committed, `stream '${name}': committedState after the crash`).toEqual([first]);
      }
      const rows = await dataRows(name, ['id', 'name', 'seq']);
      assertSameRecords(
        name,
        rows,
        [
          { id: 1, name: 'kept', seq: 1 },
          { id: 2, name: 'kept', seq: 2 },
        ],
        'table after the crash (records covered by the acknowledged STATE)',
      );
    });

    it('write: a new field mid-stream adds a column', async () => {
      const name = `${prefix}new_field`;
      const input = [
        row(name, { id: 1, name: 'a', seq: 1 }),
        state(checkpoint(name, 1, 1)),
        row(name, { id: 2, name: 'b', seq: 2, email: 'b@example.com' }),
        state(checkpoint(name, 2, 2)),
      ];
      const out = await write({ streams: [testStream(name)] }, messagesOf(input));
      const changes = out.flatMap((m) =>
        m.type === 'TRACE' && m.trace.type === 'SCHEMA_CHANGE' && m.trace.schema_change
          ? [m.trace.schema_change]
          : [],
      );
      expect(
        changes.map((c) => [c.field, c.change]),
        `stream '${name}': SCHEMA_CHANGE traces`,
      ).toContainEqual(['email', 'column_added']);
      const rows = await dataRows(name, ['id', 'name', 'seq', 'email']);
      assertSameRecords(
        name,
        rows,
        [
          { id: 1, name: 'a', seq: 1, email: null },
          { id: 2, name: 'b', seq: 2, email: 'b@example.com' },
        ],
        'table after a new field',
      );
    });
  });
}

/** The named data columns of a row (bigints as numbers), failing on a missing column. */
function pickColumns(row: Row, columns: string[]): Row {
  const out: Row = {};
  for (const column of columns) {
    if (!(column in row)) {
      const have = Object.keys(row).filter((c) => !c.startsWith(RESERVED_PREFIX));
      throw new Error(
        `row ${canonical(row)} has no column '${column}' (columns: ${have.join(', ')})`,
      );
    }
    const value = row[column];
    out[column] = typeof value === 'bigint' ? Number(value) : value;
  }
  return out;
}
