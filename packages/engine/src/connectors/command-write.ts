import type { Writable } from 'node:stream';
import { type ConnectorContext, encodeMessage, type Message } from '@tributary/core';
import { type CommandConnectorOptions, type CommandInputs, ConnectorProcess } from './child.js';
import { rawLineOf } from './wire-message.js';

/** Characters gathered before one write to the child's stdin: fewer syscalls, flat memory. */
const FLUSH_AT_CHARS = 64 * 1024;

/**
 * A destination's `write` command: the input messages go to the child's stdin, one line
 * each (a record read from a child source as the line it came, never encoded again), and
 * the child's STATE, LOG and TRACE messages come back as they are printed.
 *
 * Backpressure: a chunk that fills the pipe is awaited (`drain`) before the input is asked
 * for more, so a slow destination holds the source back and memory stays flat.
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
  const input = messages[Symbol.asyncIterator]();
  const feeder = new Feeder(child, input);
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
  private pending = '';

  constructor(
    private readonly child: ConnectorProcess,
    private readonly input: AsyncIterator<Message>,
  ) {
    this.stdin = child.child.stdin!;
    // A child that exits early closes its stdin (EPIPE): the exit is its failure to report.
    this.stdin.on('error', () => {});
  }

  async run(): Promise<void> {
    try {
      for (;;) {
        let result: IteratorResult<Message>;
        try {
          result = await this.input.next();
        } catch (error) {
          this.inputError = { error };
          this.done = true;
          this.child.kill('SIGTERM');
          return;
        }
        if (result.done || this.done) break;
        const message = result.value;
        const raw = rawLineOf(message);
        this.pending += raw === undefined ? encodeMessage(message) : `${raw}\n`;
        if (this.pending.length >= FLUSH_AT_CHARS || message.type === 'STATE') {
          if (!(await this.flush())) break;
        }
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
    await this.input.return?.();
  }

  /** Writes what is gathered; false once the child's stdin is gone. */
  private async flush(): Promise<boolean> {
    if (this.stdin.destroyed || this.stdin.writableEnded) return false;
    const chunk = this.pending;
    this.pending = '';
    if (chunk === '' || this.stdin.write(chunk)) return true;
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
