import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { CancelledError } from '../errors.js';
import type { Message } from '../messages/message.js';
import { decodeMessage } from '../wire.js';

/**
 * The messages of a `write` command's stdin, one JSON line each, decoded as they are asked
 * for. The readline async iterator pauses stdin while its small buffer is full, so a slow
 * destination holds the upstream process back instead of filling memory. A malformed line
 * throws an error naming its line number; blank lines are skipped but counted.
 *
 * When the signal fires (SIGTERM), reading stops and the iterable throws CancelledError, so
 * the destination rolls back what it has not committed instead of taking the cut-off input
 * as a normal end.
 */
export async function* stdinMessages(
  input: Readable,
  signal: AbortSignal,
): AsyncGenerator<Message> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  const stop = () => lines.close();
  signal.addEventListener('abort', stop, { once: true });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      if (signal.aborted) break;
      if (line.trim() === '') continue;
      yield decodeMessage(line, lineNumber, 'stdin');
    }
  } finally {
    signal.removeEventListener('abort', stop);
    lines.close();
  }
  if (signal.aborted) throw abortReason(signal);
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}
