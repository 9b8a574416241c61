import type { Writable } from 'node:stream';
import {
  type ConnectorContext,
  encodeMessage,
  type Message,
  messageBatches,
} from '@tributary/core';
import { type CommandConnectorOptions, type CommandInputs, ConnectorProcess } from './child.js';
import { rawLineOf } from './wire-message.js';

/** Characters gathered before one write to the child's stdin: fewer syscalls, flat memory. */
const FLUSH_AT_CHARS = 64 * 1024;

/**
 * Bytes the child's stdin may hold before the input waits for `drain`. Node's 16 KiB would
 * stop the engine at nearly every 64 KiB chunk; 256 KiB (four chunks) lets it run ahead while
 * the destination is busy, so the processes work side by side, and holds less than the 1 MiB
 * it was: ~10 MiB less of the engine's resident memory in csv-sqlite-subprocess, no slower.
 */
const WAIT_ABOVE_BYTES = 256 * 1024;

/**
 * A destination's `write` command: the input messages go to the child's stdin, one line
 * each (a record read from a child source as the line it came, never encoded again), and
 * the child's STATE, LOG and TRACE messages come back as they are printed.
 *
 * Backpressure: once about 256 KiB waits in the pipe, the feeder awaits `drain` before it asks
 * the input for more, so a slow destination holds the source back and memory stays flat.
 *
 * When the input throws (the source failed, the run was cancelled), the child gets SIGTERM
 * with its stdin still open: an end of input would read as a normal end and commit the
 * records after the last state. It rolls back, and the input's error is thrown here.
 */
export async function* writeCommand(
  options: CommandConnectorOptions,
  inputs: CommandInputs,
  messages: AsyncIterable<Message>,
  ctx: ConnectorContext,
): AsyncGenerator<Message> {
  const child = await ConnectorProcess.start(options, 'write', inputs, ctx);
  const feeder = new Feeder(child, messages);
  const feeding = feeder.run();
  try {
    for (let m = await child.next(); m !== undefined; m = await child.next()) yield m;
    const failure = await child.failure();
    await feeder.stop();
    await feeding;
    if (feeder.inputError) throw feeder.inputError.error;
    if (failure) throw failure;
  } finally {
    await feeder.stop();
    await child.close();
  }
}

/** Pumps the input into the child's stdin until the input ends, throws or the child dies. */
class Feeder {
  inputError: { error: unknown } | undefined;
  private done = false;
  private readonly stdin: Writable;
  private readonly batches: AsyncIterator<Message[]>;
  private pending = '';

  constructor(
    private readonly child: ConnectorProcess,
    messages: AsyncIterable<Message>,
  ) {
    this.stdin = child.child.stdin!;
    // Arrays when the input offers them (the engine's does): one await per array.
    this.batches = messageBatches(messages)[Symbol.asyncIterator]();
    // A child that exits early closes its stdin (EPIPE): the exit is its failure to report.
    this.stdin.on('error', () => {});
  }

  async run(): Promise<void> {
    try {
      for (;;) {
        let result: IteratorResult<Message[]>;
        try {
          result = await this.batches.next();
        } catch (error) {
          this.inputError = { error };
          this.done = true;
          this.child.kill('SIGTERM');
          return;
        }
        if (result.done || this.done) break;
        for (const message of result.value) {
          const raw = rawLineOf(message);
          this.pending += raw === undefined ? encodeMessage(message) : `${raw}\n`;
          if (this.pending.length >= FLUSH_AT_CHARS && !(await this.flush())) return;
        }
        // The end of an array: a STATE in it reaches the destination now, not a chunk later.
        if (!(await this.flush())) return;
      }
      if (!this.done && (await this.flush())) this.stdin.end();
    } finally {
      this.done = true;
    }
  }

  /** Stops asking the input for more and lets it release what it holds (the source child). */
  async stop(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.batches.return?.();
  }

  /** Writes what is gathered; false once the child's stdin is gone. */
  private async flush(): Promise<boolean> {
    if (this.stdin.destroyed || this.stdin.writableEnded) return false;
    const chunk = this.pending;
    this.pending = '';
    if (chunk === '') return true;
    this.stdin.write(chunk);
    if (this.stdin.writableLength <= WAIT_ABOVE_BYTES) return true;
    await drained(this.stdin);
    return !this.stdin.destroyed;
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
