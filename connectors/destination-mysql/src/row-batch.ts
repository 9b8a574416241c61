import type { RecordMessage } from '@tributary/core';
import { escapeField } from './loader.js';

/** Bytes of each Buffer the LOAD DATA text is written into. */
const CHUNK_BYTES = 256 * 1024;

/** Buffer's own UTF-8 writer, without `write()`'s argument juggling (a third of its cost here). */
type Utf8Write = (this: Buffer, text: string, offset: number) => number;
const proto = Buffer.prototype as unknown as { utf8Write?: Utf8Write };
const utf8Write: Utf8Write =
  proto.utf8Write ??
  function (this: Buffer, text: string, offset: number) {
    return this.write(text, offset, 'utf8');
  };

/**
 * Rows of an append or overwrite batch, kept as the LOAD DATA text itself (tab-separated,
 * backslash escapes, `\N` for NULL). Each line is built as one string and written straight
 * into a 256 KiB Buffer: a Buffer write per value costs a call per value, and one string
 * per 128 KiB flattened a rope of thousands of pieces.
 *
 * The records themselves are kept only when a bad record has to be reported whole (skip or
 * reject); otherwise only their key values are, so a record dies young instead of being
 * copied by every scavenge until its batch is loaded. A row-by-row retry decodes the text.
 * A batch has one column list; a schema change starts a new batch.
 */
export class RowBatch {
  /** The records, in order, when kept (see constructor). */
  readonly records: RecordMessage[] | undefined;
  /** Per row, the values of the key fields as the record had them (`keyFields` per row). */
  readonly #keys: unknown[] = [];
  readonly #chunks: Buffer[] = [];
  #buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  #at = 0;
  #rows = 0;
  #bytes = 0;
  #suffixFor = '';
  #suffix = '';

  /**
   * @param width data columns of each row
   * @param textual per data column: whether its text may hold a character to escape
   * @param keyFields the stream's top-level key fields, read from each record
   * @param keepRecords keep each record (to report it whole as a reject)
   */
  constructor(
    readonly width: number,
    private readonly textual: readonly boolean[],
    private readonly syncId: string | null,
    readonly keyFields: readonly string[],
    keepRecords: boolean,
  ) {
    this.records = keepRecords ? [] : undefined;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Bytes of LOAD DATA text so far. */
  get bytes(): number {
    return this.#bytes + this.#at;
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
    line += this.#suffix;
    // Three bytes per UTF-16 unit at most: a line of that size always fits.
    if (this.#at + line.length * 3 > this.#buf.length) this.#next(line.length * 3);
    this.#at += utf8Write.call(this.#buf, line, this.#at);
    this.#rows++;
    if (this.records) this.records.push(record);
    for (const field of this.keyFields) this.#keys.push(record.data[field]);
  }

  #next(atLeast: number): void {
    if (this.#at > 0) {
      this.#chunks.push(this.#buf.subarray(0, this.#at));
      this.#bytes += this.#at;
    }
    this.#buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, atLeast));
    this.#at = 0;
  }

  /** The whole batch as LOAD DATA input; nothing may be added after. */
  chunks(): Buffer[] {
    if (this.#at > 0) this.#next(0);
    return this.#chunks;
  }

  /** The key values of row `i`, in key field order. */
  keyValues(i: number): unknown[] {
    const n = this.keyFields.length;
    return this.#keys.slice(i * n, i * n + n);
  }

  /** The rows again as text values (null for NULL), metadata columns last, for INSERT. */
  decode(): Array<Array<string | null>> {
    const out: Array<Array<string | null>> = [];
    for (const chunk of this.chunks()) {
      const text = chunk.toString('utf8');
      let start = 0;
      for (;;) {
        const end = text.indexOf('\n', start);
        if (end < 0) break;
        out.push(text.slice(start, end).split('\t').map(unescapeField));
        start = end + 1;
      }
    }
    return out;
  }
}

const UNESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', '\\': '\\' };

/** A field of LOAD DATA text back to its value: `\N` is null, backslash escapes undone. */
export function unescapeField(field: string): string | null {
  if (field === '\\N') return null;
  if (!field.includes('\\')) return field;
  return field.replace(/\\(.)/gs, (_, c: string) => UNESCAPES[c] ?? c);
}
