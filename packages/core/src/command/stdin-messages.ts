import type { Readable } from 'node:stream';
import { CancelledError } from '../errors.js';
import { type BatchedMessages, MESSAGE_BATCHES } from '../message-batches.js';
import type { Message } from '../messages/message.js';
import { LineQueue } from './line-queue.js';
import { decodeInputLine } from './record-line.js';

/**
 * The messages of a `write` command's stdin, one JSON line each, decoded as they are asked
 * for. Also offers them as arrays (core's MESSAGE_BATCHES): a destination that takes arrays
 * pays one await per chunk of stdin instead of one per record. The line queue pauses stdin
 * while it holds a few thousand lines, so a slow destination holds the upstream process back
 * instead of filling memory. A malformed line throws an error naming its line number; blank
 * lines are skipped but counted.
 *
 * When the signal fires (SIGTERM), reading stops and the iterable throws CancelledError, so
 * the destination rolls back what it has not committed instead of taking the cut-off input
 * as a normal end.
 */
export function stdinMessages(input: Readable, signal: AbortSignal): StdinMessages {
  return new StdinMessages(input, signal);
}

/** The iterable `stdinMessages` returns: message by message, or arrays of them. */
export class StdinMessages implements AsyncIterableIterator<Message>, BatchedMessages {
  private readonly queue: LineQueue;
  private lineNumber = 0;
  private done = false;
  /** A malformed line met after other messages of its chunk: thrown on the next call. */
  private badLine: { error: unknown } | undefined;

  constructor(
    private readonly input: Readable,
    private readonly signal: AbortSignal,
  ) {
    this.queue = new LineQueue(input);
    // Wakes a reader waiting for a line, which then sees the signal and throws.
    signal.addEventListener('abort', () => this.queue.wake(), { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Message>> {
    for (;;) {
      if (this.signal.aborted) throw this.stop();
      const line = this.queue.shift();
      if (line === undefined) {
        if (this.queue.ended || this.done) return this.end();
        await this.queue.wait();
        continue;
      }
      this.lineNumber += 1;
      if (isBlank(line)) continue;
      return { done: false, value: decodeInputLine(line, this.lineNumber, 'stdin') };
    }
  }

  [MESSAGE_BATCHES](): AsyncIterator<Message[]> {
    return {
      next: async (): Promise<IteratorResult<Message[]>> => {
        for (;;) {
          if (this.signal.aborted) throw this.stop();
          if (this.badLine) throw this.badLine.error;
          const lines = this.queue.takeAll();
          if (lines.length === 0) {
            if (this.queue.ended || this.done) return this.end();
            await this.queue.wait();
            continue;
          }
          const messages: Message[] = [];
          try {
            for (const line of lines) {
              this.lineNumber += 1;
              if (!isBlank(line)) messages.push(decodeInputLine(line, this.lineNumber, 'stdin'));
            }
          } catch (error) {
            // The messages before a bad line go first (a STATE among them commits), then
            // the error, as one message at a time would have it.
            if (messages.length === 0) throw error;
            this.badLine = { error };
          }
          if (messages.length > 0) return { done: false, value: messages };
        }
      },
      return: () => this.return(),
    };
  }

  /** The reader stopped early: stop reading stdin. */
  async return(): Promise<IteratorResult<never>> {
    this.done = true;
    this.input.pause();
    return { done: true, value: undefined };
  }

  private end(): IteratorResult<never> {
    if (this.queue.error && !this.done) throw this.queue.error;
    this.done = true;
    return { done: true, value: undefined };
  }

  private stop(): Error {
    this.done = true;
    this.input.pause();
    return this.signal.reason instanceof Error ? this.signal.reason : new CancelledError();
  }
}

/** An empty line, or one of spaces only (a CR left by CRLF line ends included). */
function isBlank(line: string): boolean {
  return line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '');
}
