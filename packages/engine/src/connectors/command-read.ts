import {
  type BatchedMessages,
  type ConnectorContext,
  MESSAGE_BATCHES,
  type Message,
} from '@tributary/core';
import { type CommandConnectorOptions, type CommandInputs, ConnectorProcess } from './child.js';

/**
 * The messages of a source's `read` command, as its Source.read returns them. A bare async
 * iterator, not a generator: a million records come through here, and a queued line costs
 * no await. It also hands out every line queued on stdout at once as an array (core's
 * MESSAGE_BATCHES), so the engine pays one await per chunk of stdout, not one per record;
 * a reader takes one way or the other. The child starts on the first call. At the end of
 * stdout the child's failure (a limit, its last TRACE ERROR, a non-zero exit, a kill) is
 * thrown; `return()` (the consumer stopped early) stops the child.
 */
export class CommandRead implements AsyncIterableIterator<Message>, BatchedMessages {
  private child: ConnectorProcess | undefined;
  private starting: Promise<ConnectorProcess> | undefined;
  private finished = false;

  constructor(
    private readonly options: CommandConnectorOptions,
    private readonly inputs: CommandInputs,
    private readonly ctx: ConnectorContext,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Message>> {
    return this.step((child) => child.next());
  }

  [MESSAGE_BATCHES](): AsyncIterator<Message[]> {
    return {
      next: () => this.step((child) => child.nextBatch()),
      return: () => this.return(),
    };
  }

  async return(): Promise<IteratorResult<never>> {
    await this.close();
    return { done: true, value: undefined };
  }

  /** One read of the child's stdout; at its end, the child's failure or done. */
  private async step<T>(
    read: (child: ConnectorProcess) => Promise<T | undefined>,
  ): Promise<IteratorResult<T>> {
    if (this.finished) return { done: true, value: undefined };
    const child = this.child ?? (await this.start());
    try {
      const value = await read(child);
      if (value !== undefined) return { done: false, value };
      const failure = await child.failure();
      if (failure) throw failure;
    } catch (error) {
      await this.close();
      throw error;
    }
    await this.close();
    return { done: true, value: undefined };
  }

  private async start(): Promise<ConnectorProcess> {
    this.starting ??= ConnectorProcess.start(this.options, 'read', this.inputs, this.ctx);
    const child = await this.starting;
    child.child.stdin?.end();
    this.child = child;
    return child;
  }

  private async close(): Promise<void> {
    this.finished = true;
    const child = this.child ?? (await this.starting?.catch(() => undefined));
    await child?.close();
  }
}
