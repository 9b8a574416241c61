import type { Readable } from 'node:stream';

/**
 * Lines held before the stream is paused: about 250 KiB of 250-byte records, enough for the
 * writer on the other side of the pipe to run ahead while this process is busy, small
 * enough to keep memory flat. 4096 held ~10 MiB more of the engine's resident memory in the
 * csv-sqlite-subprocess bench (lines kept longer survive young-generation GCs) for no speed.
 */
const PAUSE_AT_LINES = 1024;

/**
 * The lines of a stream (a child's stdout, a command's stdin), split as they come. When the
 * reader falls behind, the queue pauses the stream at PAUSE_AT_LINES; the pipe then fills
 * and the writer blocks on its next write, so memory stays bounded whatever the input size.
 * `shift()` and `takeAll()` are synchronous: a reader pays an await only when the queue is
 * empty, not once per line.
 */
export class LineQueue {
  private lines: string[] = [];
  private head = 0;
  private partial = '';
  private waiter: (() => void) | undefined;
  private paused = false;
  ended = false;
  /** The last line came without its newline: the writer was cut off mid-line. */
  truncated = false;
  error: Error | undefined;

  constructor(private readonly stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.push(chunk));
    stream.on('end', () => this.finish());
    stream.on('close', () => this.finish());
    stream.on('error', (error: Error) => {
      this.error = error;
      this.finish();
    });
  }

  /** The next complete line (without its newline), or undefined when none is queued yet. */
  shift(): string | undefined {
    if (this.head >= this.lines.length) return undefined;
    const line = this.lines[this.head++];
    if (this.head >= this.lines.length) this.reset();
    return line;
  }

  /** Every queued line at once (an empty array when none is), in order. */
  takeAll(): string[] {
    const lines = this.head === 0 ? this.lines : this.lines.slice(this.head);
    this.reset();
    return lines;
  }

  /** True when no line is queued. */
  get empty(): boolean {
    return this.head >= this.lines.length;
  }

  /** Resolves when a line is queued or the stream has ended. */
  wait(): Promise<void> {
    if (this.head < this.lines.length || this.ended) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Wakes a pending `wait()` without a line, so its caller can look at something else. */
  wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }

  private reset(): void {
    this.lines = [];
    this.head = 0;
    if (this.paused && !this.ended) {
      this.paused = false;
      this.stream.resume();
    }
  }

  private push(chunk: string): void {
    let start = 0;
    let newline = chunk.indexOf('\n');
    if (newline < 0) {
      this.partial += chunk;
      return;
    }
    this.lines.push(this.partial + chunk.slice(0, newline));
    this.partial = '';
    start = newline + 1;
    for (;;) {
      newline = chunk.indexOf('\n', start);
      if (newline < 0) break;
      this.lines.push(chunk.slice(start, newline));
      start = newline + 1;
    }
    if (start < chunk.length) this.partial = chunk.slice(start);
    if (this.lines.length - this.head >= PAUSE_AT_LINES && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    this.wake();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    // A last line without its newline (a writer killed mid-write) is still a line.
    if (this.partial !== '') {
      this.lines.push(this.partial);
      this.truncated = true;
    }
    this.partial = '';
    this.wake();
  }
}
