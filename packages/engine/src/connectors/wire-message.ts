import {
  decodeMessage,
  type Message,
  type RecordEnvelope,
  type RecordMessage,
} from '@tributary/core';

const RECORD_HEAD = '{"type":"RECORD","record":{"stream":"';
const DATA_HEAD = '","data":{';
const EMITTED_KEY = ',"emitted_at":';

/**
 * A RECORD read from a child connector that keeps its line. Decoding a record only to
 * encode it again for the next child costs about 2.4 s per million records, so the line is
 * decoded only when someone reads `record.data`, and a command destination writes the line
 * as it came (`rawLine`). Nothing may change `data` in place.
 *
 * The body is a small class with `data` as a getter of its prototype: an object literal
 * with its own getter costs a closure and an accessor pair per record, about 0.7 s per
 * million on this path. `JSON.stringify` sees `data` (`toJSON`); a spread of the body does
 * not, so code that rebuilds a record names it (`{...body, data: body.data}`), as the
 * engine's projection does.
 */
export class WireRecord implements RecordEnvelope {
  readonly type = 'RECORD' as const;
  readonly record: WireRecordBody;

  constructor(stream: string, emittedAt: number, line: string, lineNumber: number, origin: string) {
    this.record = new WireRecordBody(stream, emittedAt, line, lineNumber, origin);
  }

  /** The line this record came as, without its newline. */
  get rawLine(): string {
    return this.record.line;
  }
}

/** The body of a WireRecord: `stream` and `emitted_at` read, `data` decoded when asked. */
export class WireRecordBody implements RecordMessage {
  readonly stream: string;
  readonly emitted_at: number;
  readonly #line: string;
  readonly #lineNumber: number;
  readonly #origin: string;
  #data: Record<string, unknown> | undefined;

  constructor(stream: string, emittedAt: number, line: string, lineNumber: number, origin: string) {
    this.stream = stream;
    this.emitted_at = emittedAt;
    this.#line = line;
    this.#lineNumber = lineNumber;
    this.#origin = origin;
  }

  get data(): Record<string, unknown> {
    if (this.#data === undefined) {
      const full = decodeMessage(this.#line, this.#lineNumber, this.#origin) as RecordEnvelope;
      this.#data = full.record.data;
    }
    return this.#data;
  }

  /** The line, without its newline. */
  get line(): string {
    return this.#line;
  }

  toJSON(): RecordMessage {
    return { stream: this.stream, data: this.data, emitted_at: this.emitted_at };
  }
}

/** The line a message came as, when it can be forwarded as is. */
export function rawLineOf(message: Message): string | undefined {
  return message instanceof WireRecord ? message.rawLine : undefined;
}

/**
 * Reads one line of a child connector's stdout. A record in the layout our own adapter
 * writes (`{"type":"RECORD","record":{"stream":…,"data":{…},"emitted_at":N}}`) is read
 * from its head and tail only; any other line is decoded in full, and a line that is not a
 * protocol message throws an error naming `origin` and the line number.
 */
export function readWireLine(line: string, lineNumber: number, origin: string): Message {
  if (line.startsWith(RECORD_HEAD)) {
    const end = line.indexOf('"', RECORD_HEAD.length);
    const emittedAt = end > 0 ? emittedAtOf(line) : undefined;
    if (emittedAt !== undefined && line.startsWith(DATA_HEAD, end)) {
      const stream = line.slice(RECORD_HEAD.length, end);
      if (!stream.includes('\\'))
        return new WireRecord(stream, emittedAt, line, lineNumber, origin);
    }
  }
  return decodeMessage(line, lineNumber, origin);
}

/**
 * `N` of a line ending in `,"emitted_at":N}}` (N up to 16 digits), read by char codes: a
 * regex over a slice of each line costs more than the rest of the record's trip here.
 */
function emittedAtOf(line: string): number | undefined {
  const to = line.length - 2;
  if (to < 1 || line.charCodeAt(to) !== 125 || line.charCodeAt(to + 1) !== 125) return undefined;
  const key = line.lastIndexOf(EMITTED_KEY, to - 1);
  const from = key + EMITTED_KEY.length;
  if (key < 0 || to <= from || to - from > 16) return undefined;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = line.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}
