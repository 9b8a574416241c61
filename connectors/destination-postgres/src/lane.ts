import type { Message } from '@tributary/core';

interface Queued {
  bytes: number;
  done: Promise<void>;
}

/**
 * The connection's work (COPY chunks, merges, commits), run one task at a time in the order
 * queued, in the background. The write loop queues a chunk and goes on reading and encoding
 * the next one while Postgres stores this one: waiting for the server after each chunk left
 * the client idle for a third of a bulk load. `queuedBytes` bounds the COPY text held in
 * memory; the loop waits (`below`) when it grows past its limit.
 *
 * A task that throws stops the lane: later tasks are skipped (so no commit follows a failed
 * chunk) and the error is rethrown by `check`, `below` and `drain`.
 */
export class Lane {
  #tail: Promise<void> = Promise.resolve();
  #queue: Queued[] = [];
  #failure: { error: unknown } | undefined;
  #bytes = 0;
  /** What finished tasks produced (REJECT traces, acknowledged STATEs), in task order. */
  #ready: Message[] = [];

  get queuedBytes(): number {
    return this.#bytes;
  }

  /** Queues `work`; `bytes` counts towards `queuedBytes` until it has run. */
  run(bytes: number, work: () => Promise<readonly Message[] | undefined>): void {
    const item: Queued = { bytes, done: Promise.resolve() };
    this.#bytes += bytes;
    item.done = this.#tail.then(async () => {
      try {
        if (this.#failure) return;
        const out = await work();
        if (out && out.length > 0) this.#ready.push(...out);
      } catch (error) {
        this.#failure ??= { error };
      } finally {
        this.#bytes -= bytes;
        this.#queue.shift();
      }
    });
    this.#queue.push(item);
    this.#tail = item.done;
  }

  /** Rethrows the first failure of a task. */
  check(): void {
    if (this.#failure) throw this.#failure.error;
  }

  /** Takes what finished tasks produced so far. */
  take(): Message[] {
    if (this.#ready.length === 0) return NOTHING;
    const out = this.#ready;
    this.#ready = [];
    return out;
  }

  /** Waits until at most `limit` bytes are queued. */
  async below(limit: number): Promise<void> {
    while (this.#bytes > limit && this.#queue.length > 0) await this.#queue[0]!.done;
    this.check();
  }

  /** Waits for every queued task. */
  async drain(): Promise<void> {
    await this.#tail;
    this.check();
  }

  /** Waits for every queued task, ignoring failures: before a rollback. */
  async settle(): Promise<void> {
    await this.#tail;
  }
}

const NOTHING: Message[] = [];
