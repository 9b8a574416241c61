import {
  type ConnectorContext,
  type Message,
  record,
  state,
  streamState,
  throwIfAborted,
} from '@tributary/core';
import type pg from 'pg';
import { TEXT_ONLY } from './connection.js';
import { hashRead } from './hash-read.js';
import { keysetRead } from './keyset.js';
import {
  cursorColumnOf,
  keyColumnsOf,
  type PlannedColumn,
  type Row,
  type StreamPlan,
} from './plan.js';
import { type CursorState, readCursorState } from './state.js';

/** What both incremental strategies need. */
export interface IncrementalRead {
  client: pg.Client;
  plan: StreamPlan;
  cursor: PlannedColumn;
  keys: PlannedColumn[];
  previous: CursorState | undefined;
  /** The greatest cursor value when the read began, as the server's text: the read stops there. */
  upperBound: string;
  fetchSize: number;
  checkpointInterval: number;
  ctx: ConnectorContext;
}

/** Runs a query in array mode with every value as text. */
export async function queryRows(
  client: pg.Client,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const result = await client.query<Row>({ text, values, rowMode: 'array', types: TEXT_ONLY });
  return result.rows;
}

/**
 * Reads the rows whose cursor is past the previous state, up to the greatest cursor value seen
 * when the read began (rows changed during the read are picked up by the next run). With a
 * primary key, pages are keyset-ordered by (cursor, key); without one, one ordered stream
 * with the hashes of records already sent at the last cursor value.
 */
export async function* readIncremental(
  client: pg.Client,
  plan: StreamPlan,
  rawState: unknown,
  options: { fetchSize: number; checkpointInterval: number },
  ctx: ConnectorContext,
): AsyncGenerator<Message[]> {
  const cursor = cursorColumnOf(plan);
  const keys = keyColumnsOf(plan);
  const previous = readCursorState(rawState, cursor.info.name, cursor.logical);
  if (!cursor.info.notNull) {
    // Said once per read rather than counted: counting NULLs would scan the whole table.
    ctx.logger.warn('cursor column is nullable: rows whose cursor is NULL are not read', {
      stream: plan.name,
      field: cursor.info.name,
    });
  }

  const top = await queryRows(
    client,
    `SELECT ${cursor.sql} FROM ${plan.from} WHERE ${cursor.sql} IS NOT NULL ` +
      `ORDER BY ${cursor.sql} DESC LIMIT 1`,
    [],
  );
  const upperBound = top[0]?.[0];
  // Nothing past the state is left to the page query: it orders by the column's own
  // collation, which a comparison here in JS could contradict for text cursors.
  if (upperBound == null) {
    // An empty table (or nothing past the state) is a normal, successful read of 0 records.
    const kept = previous ?? { cursor_field: [cursor.info.name], cursor: null };
    yield [state(streamState(plan.name, kept, plan.namespace))];
    return;
  }

  const read: IncrementalRead = {
    client,
    plan,
    cursor,
    keys,
    previous,
    upperBound,
    fetchSize: options.fetchSize,
    checkpointInterval: options.checkpointInterval,
    ctx,
  };
  yield* keys.length > 0 ? keysetRead(read) : hashRead(read);
}

/** Emits RECORDs and a STATE every `checkpointInterval` records and at the end. */
export class Checkpointer {
  #sinceState = 0;
  #last: CursorState | undefined;
  readonly #read: IncrementalRead;

  constructor(read: IncrementalRead) {
    this.#read = read;
    this.#last = read.previous;
  }

  /** The RECORD of a row, then a STATE when the interval is reached. */
  *emit(data: Record<string, unknown>, position: () => CursorState): Generator<Message> {
    const { plan, ctx } = this.#read;
    // Checked per record (a property read): a cancel stops before the next record, not a page later.
    throwIfAborted(ctx.signal);
    yield record(plan.name, data, Date.now(), plan.namespace);
    this.#sinceState++;
    if (this.#sinceState >= this.#read.checkpointInterval) {
      yield this.#checkpoint(position());
    }
  }

  /** The closing STATE, unless the last record already ended with one. */
  *finish(position: () => CursorState | undefined): Generator<Message> {
    const at = position() ?? this.#last;
    if (this.#sinceState > 0 || this.#last === this.#read.previous) {
      yield this.#checkpoint(at ?? { cursor_field: [this.#read.cursor.info.name], cursor: null });
    }
  }

  #checkpoint(at: CursorState): Message {
    this.#sinceState = 0;
    this.#last = at;
    return state(streamState(this.#read.plan.name, at, this.#read.plan.namespace));
  }
}
