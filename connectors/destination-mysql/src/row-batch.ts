import type { RecordMessage } from '@tributary/core';
import { escapeField } from './loader.js';

/** Characters of TSV text gathered before they are written out as one Buffer. */
const FLUSH_CHARS = 1 << 17;

/**
 * Rows of an append or overwrite batch, kept as the LOAD DATA text itself (tab-separated,
 * backslash escapes, `\N` for NULL) plus the records they came from (for a row-by-row retry
 * and for reject reports). Lines go into one string that is written out in 128 KiB pieces:
 * a Buffer write per value, or an array per row, made the garbage collector the main cost.
 * A batch has one column list; a schema change starts a new batch.
 */
export class RowBatch {
  readonly records: RecordMessage[] = [];
  readonly #chunks: Buffer[] = [];
  #text = '';
  #suffixFor = '';
  #suffix = '';

  /**
   * @param width data columns of each row
   * @param textual per data column: whether its text may hold a character to escape
   */
  constructor(
    readonly width: number,
    private readonly textual: readonly boolean[],
    private readonly syncId: string | null,
  ) {}

  get rows(): number {
    return this.records.length;
  }

  add(record: RecordMessage, values: readonly (string | null)[], extractedAt: string): void {
    let line = '';
    const last = this.width - 1;
    for (let i = 0; i <= last; i++) {
      const v = values[i];
      if (v === null || v === undefined) line += '\\N';
      else line += this.textual[i] ? escapeField(v) : v;
      if (i < last) line += '\t';
    }
    if (extractedAt !== this.#suffixFor) {
      // The metadata columns: extracted_at, sync_id, deleted_at (null for a live row).
      this.#suffix = `\t${extractedAt}\t${this.syncId === null ? '\\N' : this.syncId}\t\\N\n`;
      this.#suffixFor = extractedAt;
    }
    this.#text += line + this.#suffix;
    this.records.push(record);
    if (this.#text.length >= FLUSH_CHARS) this.#flush();
  }

  #flush(): void {
    if (this.#text.length > 0) this.#chunks.push(Buffer.from(this.#text, 'utf8'));
    this.#text = '';
  }

  /** The whole batch as LOAD DATA input. */
  chunks(): Buffer[] {
    this.#flush();
    return this.#chunks;
  }
}
