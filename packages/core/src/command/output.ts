import type { Writable } from 'node:stream';
import type { Message } from '../messages/message.js';
import { encodeMessage } from '../wire.js';

/** Bytes gathered before a write: large enough to cut syscalls, small enough to stay flat. */
const FLUSH_AT_CHARS = 64 * 1024;

/**
 * Writes protocol messages to stdout, one JSON line each, encoded once. Lines are gathered
 * and written in chunks of about 64 KiB (a million records as a million `write` calls would
 * cost more than encoding them), and flushed on the next turn of the event loop when the
 * producer pauses, so a slow source's messages are not held back. `send` waits for `drain`
 * when the pipe is full: a producer that awaits it never runs ahead of the reader.
 */
export class MessageWriter {
  readonly #out: Writable;
  #pending: string[] = [];
  #size = 0;
  #scheduled: NodeJS.Immediate | undefined;
  #count = 0;

  constructor(out: Writable) {
    this.#out = out;
  }

  /** How many messages were written. */
  get count(): number {
    return this.#count;
  }

  /** Queues one message; resolves at once unless the pipe is full. */
  send(message: Message): Promise<void> | undefined {
    const line = encodeMessage(message);
    this.#count += 1;
    this.#pending.push(line);
    this.#size += line.length;
    if (this.#size >= FLUSH_AT_CHARS) return this.flush();
    if (!this.#scheduled) {
      this.#scheduled = setImmediate(() => {
        this.#scheduled = undefined;
        void this.flush();
      });
    }
    return undefined;
  }

  /** Writes what is queued; resolves once the pipe can take more. */
  flush(): Promise<void> | undefined {
    if (this.#scheduled) {
      clearImmediate(this.#scheduled);
      this.#scheduled = undefined;
    }
    if (this.#size === 0) return undefined;
    const chunk = this.#pending.length === 1 ? this.#pending[0]! : this.#pending.join('');
    this.#pending = [];
    this.#size = 0;
    if (this.#out.write(chunk)) return undefined;
    return waitForDrain(this.#out);
  }
}

function waitForDrain(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      out.off('error', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    out.on('error', done);
  });
}
