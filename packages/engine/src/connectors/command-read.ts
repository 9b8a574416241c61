import type { ConnectorContext, Message } from '@tributary/core';
import { type CommandConnectorOptions, type CommandInputs, ConnectorProcess } from './child.js';

/**
 * The messages of a source's `read` command, as its Source.read returns them. A bare async
 * iterator, not a generator: a million records come through here, and a queued line costs
 * no await. The child starts on the first `next()`. At the end of stdout the child's
 * failure (a limit, its last TRACE ERROR, a non-zero exit, a kill) is thrown; `return()`
 * (the consumer stopped early) stops the child.
 */
export class CommandRead implements AsyncIterableIterator<Message> {
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

  async next(): Promise<IteratorResult<Message>> {
    if (this.finished) return { done: true, value: undefined };
    const child = this.child ?? (await this.start());
    try {
      const message = await child.next();
      if (message !== undefined) return { done: false, value: message };
      const failure = await child.failure();
      if (failure) throw failure;
    } catch (error) {
      await this.close();
      throw error;
    }
    await this.close();
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<Message>> {
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
