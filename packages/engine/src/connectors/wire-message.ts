import {
  decodeMessage,
  type Message,
  type RecordEnvelope,
  type RecordMessage,
} from '@tributary/core';

const RECORD_HEAD = '{"type":"RECORD","record":{"stream":"';
const DATA_HEAD = '","data":{';
const EMITTED_TAIL = /,"emitted_at":(\d{1,16})\}\}$/;

/**
 * A RECORD read from a child connector that keeps its line. Decoding a record only to
 * encode it again for the next child costs about 2.4 s per million records, so the line is
 * decoded only when someone reads `record.data`, and a command destination writes the line
 * as it came (`rawLine`). The line is kept in a private field, which a spread does not copy:
 * a message rebuilt from this one is encoded anew. Nothing may change `data` in place.
 */
export class WireRecord implements RecordEnvelope {
  readonly type = 'RECORD' as const;
  readonly record: RecordMessage;
  readonly #line: string;

  constructor(stream: string, emittedAt: number, line: string, lineNumber: number, origin: string) {
    this.#line = line;
    let data: Record<string, unknown> | undefined;
    // Own enumerable accessor: spreads and JSON.stringify of the body see `data`.
    this.record = {
      stream,
      emitted_at: emittedAt,
      get data(): Record<string, unknown> {
        if (data === undefined) {
          const full = decodeMessage(line, lineNumber, origin) as RecordEnvelope;
          data = full.record.data;
        }
        return data;
      },
    };
  }

  /** The line this record came as, without its newline. */
  get rawLine(): string {
    return this.#line;
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
    const tail = end > 0 ? EMITTED_TAIL.exec(line.slice(-40)) : null;
    if (tail && line.startsWith(DATA_HEAD, end)) {
      const stream = line.slice(RECORD_HEAD.length, end);
      if (!stream.includes('\\')) {
        return new WireRecord(stream, Number(tail[1]), line, lineNumber, origin);
      }
    }
  }
  return decodeMessage(line, lineNumber, origin);
}
