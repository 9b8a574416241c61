import {
  type ConfiguredStream,
  coerceCursor,
  type LogicalType,
  type StateMessage,
  stateKind,
  streamKey,
} from '@tributary/core';

/**
 * What an incremental stream remembers between runs. `cursor` is the cursor value of the last
 * record sent, in its logical type (numbers as numbers, timestamps as text). With a primary
 * key, `last_pk` holds that record's key, so a resumed read starts strictly after
 * (cursor, key) and rows that share the cursor value are neither lost nor sent twice.
 * Without a key, `sent_at_cursor` holds a hash of each record already sent at `cursor`.
 */
export interface CursorState {
  cursor_field: string[];
  cursor: unknown;
  last_pk?: unknown[];
  sent_at_cursor?: string[];
}

/** The previous state of a stream from the states the engine passed in, if any. */
export function findStreamState(
  states: readonly StateMessage[],
  stream: ConfiguredStream,
): unknown {
  const key = streamKey(stream.stream);
  for (const message of states) {
    if (stateKind(message) !== 'STREAM' || !message.stream) continue;
    if (streamKey(message.stream.stream_descriptor) === key) return message.stream.stream_state;
    // A state written without a namespace still belongs to the stream of that name.
    const d = message.stream.stream_descriptor;
    if (d.namespace === undefined && d.name === stream.stream.name) {
      return message.stream.stream_state;
    }
  }
  return undefined;
}

/**
 * Reads a previous state for this cursor. A state for another cursor field, or none, means
 * start from the beginning; a cursor stored as text for a numeric column is coerced back.
 */
export function readCursorState(
  raw: unknown,
  cursorField: string,
  cursorType: LogicalType,
): CursorState | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const s = raw as Partial<CursorState>;
  const field = Array.isArray(s.cursor_field) ? s.cursor_field : [cursorField];
  if (field.length !== 1 || field[0] !== cursorField) return undefined;
  if (s.cursor === null || s.cursor === undefined) return undefined;
  const state: CursorState = {
    cursor_field: [cursorField],
    cursor: coerceCursor(s.cursor, cursorType),
  };
  if (Array.isArray(s.last_pk)) state.last_pk = s.last_pk;
  if (Array.isArray(s.sent_at_cursor)) state.sent_at_cursor = s.sent_at_cursor.map(String);
  return state;
}
