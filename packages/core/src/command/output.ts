import type { Writable } from 'node:stream';
import type { Message } from '../messages/message.js';
import { encodeMessage } from '../wire.js';

/** Characters gathered before a write: large enough to cut syscalls, small enough to stay flat. */
const FLUSH_AT_CHARS = 64 * 1024;

/**
 * Bytes the pipe's writer may hold before a producer waits (`drain`). Node's default (16 KiB)
 * makes a 64 KiB chunk wait each time the reader lags; 256 KiB (four chunks) lets the
 * producer run ahead while the reader is busy, so the processes of a sync work side by side,
 * not in turns, and holds less than the 1 MiB it was (no faster, more resident memory).
 */
const WAIT_ABOVE_BYTES = 256 * 1024;

/**
 * Writes protocol messages to stdout, one JSON line each, encoded once. Lines are gathered
 * and written in chunks of about 64 KiB (a million records as a million `write` calls would
 * cost more than encoding them), and flushed on the next turn of the event loop when the
 * producer pauses, so a slow source's messages are not held back. `send` returns a promise
 * when about 256 KiB waits in the pipe: a producer that awaits it never runs far ahead of the
 * reader, so memory stays flat.
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
    const line = encodeLine(message);
    this.#count += 1;
    this.#pending.push(line);
    this.#size += line.length;
    if (this.#size >= FLUSH_AT_CHARS) return this.flush();
    this.#schedule();
    return undefined;
  }

  /** Queues messages in order; resolves at once unless the pipe is full. */
  sendAll(messages: readonly Message[]): Promise<void> | undefined {
    let full: Promise<void> | undefined;
    for (const message of messages) {
      const line = encodeLine(message);
      this.#pending.push(line);
      this.#size += line.length;
      if (this.#size >= FLUSH_AT_CHARS) full = this.flush() ?? full;
    }
    this.#count += messages.length;
    if (this.#size > 0) this.#schedule();
    return full;
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
    this.#out.write(chunk);
    if (this.#out.writableLength <= WAIT_ABOVE_BYTES) return undefined;
    return waitForDrain(this.#out);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = setImmediate(() => {
      this.#scheduled = undefined;
      void this.flush();
    });
  }
}

/**
 * One message as its line. A plain record is written from a template, in the key order the
 * engine reads without decoding (type, stream, data, emitted_at), which also spares
 * JSON.stringify a walk over the envelope; anything else goes through `encodeMessage`.
 */
export function encodeLine(message: Message): string {
  if (message.type !== 'RECORD') return encodeMessage(message);
  const body = message.record;
  if (body.namespace !== undefined || !Number.isSafeInteger(body.emitted_at)) {
    return encodeMessage(message);
  }
  const stream = JSON.stringify(body.stream);
  const data = JSON.stringify(body.data);
  return `{"type":"RECORD","record":{"stream":${stream},"data":${data},"emitted_at":${body.emitted_at}}}\n`;
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
