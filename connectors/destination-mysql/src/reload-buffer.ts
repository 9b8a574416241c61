import { RowBatch } from './row-batch.js';
import type { StreamWriter, Taken } from './stream-writer.js';

/** Bytes in one `reload_buffer_mb`. */
export const MIB = 1024 * 1024;

/**
 * The batches loaded in the open transaction since its last STATE, in order. MySQL commits on
 * DDL, so a schema change rolls them back and loads them again after it (see write.ts); to do
 * that they are kept, but only up to `capBytes` of encoded rows, or a full refresh, which
 * sends no STATE until its end, would keep its whole table in memory. Past the cap every
 * batch is let go until the next STATE, and a schema change in between commits the loaded
 * records where they stand: `released` names their streams, for the warning.
 */
export class ReloadBuffer {
  #batches: Array<[StreamWriter, Taken]> = [];
  #bytes = 0;
  #peakBytes = 0;
  readonly #released = new Set<string>();

  constructor(readonly capBytes: number) {}

  /** Encoded bytes held now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The most encoded bytes held at once since this buffer was made. */
  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** Names of the streams whose batches since the last STATE were let go (cap passed). */
  get released(): ReadonlySet<string> {
    return this.#released;
  }

  /** Keeps a batch about to be loaded; one that would pass the cap lets go of all of them. */
  hold(writer: StreamWriter, batch: Taken): void {
    if (this.#released.size > 0) {
      this.#released.add(writer.name);
      return;
    }
    const bytes = encodedBytes(batch);
    if (this.#bytes + bytes > this.capBytes) {
      for (const [held] of this.#batches) this.#released.add(held.name);
      this.#released.add(writer.name);
      this.#batches = [];
      this.#bytes = 0;
      return;
    }
    this.#batches.push([writer, batch]);
    this.#bytes += bytes;
    if (this.#bytes > this.#peakBytes) this.#peakBytes = this.#bytes;
  }

  /** Takes the held batches out (oldest first) and starts again, for a STATE or a commit. */
  take(): Array<[StreamWriter, Taken]> {
    const taken = this.#batches;
    this.#batches = [];
    this.#bytes = 0;
    this.#released.clear();
    return taken;
  }
}

/**
 * A batch's size as encoded: its LOAD DATA text, and for records held as values (deletion
 * markers, append_dedup) the text of their values.
 */
export function encodedBytes(batch: Taken): number {
  let bytes = 0;
  for (const item of batch) {
    if (item instanceof RowBatch) {
      bytes += item.bytes;
      continue;
    }
    for (const value of item.values) bytes += (value?.length ?? 2) + 1;
  }
  return bytes;
}
