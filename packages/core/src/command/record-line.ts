import type { Message } from '../messages/message.js';
import { decodeMessage } from '../wire.js';

const RECORD_HEAD = '{"type":"RECORD","record":{"stream":"';
const DATA_KEY = '","data":';
const EMITTED_KEY = ',"emitted_at":';

/**
 * Reads one line of a `write` command's stdin. A record in the layout our adapter and the
 * engine write (`{"type":"RECORD","record":{"stream":"S","data":{…},"emitted_at":N}}`)
 * has only its `data` object parsed: the envelope is read from the line's head and tail,
 * which spares JSON.parse two objects and three keys per record (about a fifth of the
 * decode of a million records). The slice parses only if it is one JSON object, so the
 * line was valid JSON with exactly those keys; any other line, and any doubt, goes through
 * `decodeMessage`, which names `origin` and the line number of a bad line.
 */
export function decodeInputLine(line: string, lineNumber: number, origin: string): Message {
  if (line.startsWith(RECORD_HEAD)) {
    const quote = line.indexOf('"', RECORD_HEAD.length);
    const emitted = line.lastIndexOf(EMITTED_KEY);
    const emittedAt = emitted > quote ? emittedAtOf(line, emitted + EMITTED_KEY.length) : -1;
    if (emittedAt >= 0 && line.startsWith(DATA_KEY, quote)) {
      const stream = line.slice(RECORD_HEAD.length, quote);
      const from = quote + DATA_KEY.length;
      if (!stream.includes('\\') && line.charCodeAt(from) === 123 /* { */) {
        let data: unknown;
        try {
          data = JSON.parse(line.slice(from, emitted));
        } catch {
          data = undefined;
        }
        if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
          return {
            type: 'RECORD',
            record: { stream, data: data as Record<string, unknown>, emitted_at: emittedAt },
          };
        }
      }
    }
  }
  return decodeMessage(line, lineNumber, origin);
}

/** `N` of a line ending in `N}}` from `from` (up to 15 digits), -1 for anything else. */
function emittedAtOf(line: string, from: number): number {
  const to = line.length - 2;
  if (to <= from || to - from > 15) return -1;
  if (to - from > 1 && line.charCodeAt(from) === 48) return -1; // a leading zero is not JSON
  if (line.charCodeAt(to) !== 125 || line.charCodeAt(to + 1) !== 125) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = line.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
