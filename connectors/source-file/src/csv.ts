import { BadRecordError } from '@tributary/core';
import Papa from 'papaparse';
import { countChar, type FileRef, type RawBatch, type RowProblem } from './batch.js';
import { type Encoding, hex, InvalidUtf8Error, textChunks } from './decode.js';
import { detectDelimiter, detectNewline, lineEndAfterQuoteError } from './detect.js';

/** Text read ahead before the header is parsed, for newline and delimiter detection. */
const SAMPLE_CHARS = 64 * 1024;
/**
 * A row longer than this is taken for an unclosed quote: without a bound, one stray quote
 * would make the reader buffer (and rescan) the rest of the file.
 */
const MAX_ROW_CHARS = 16 * 1024 * 1024;

export interface CsvOptions {
  delimiter: string | undefined;
  encoding: Encoding;
  header: boolean;
  /** The longest row read, in characters; `MAX_ROW_CHARS` unless a test sets a smaller one. */
  maxRowChars?: number;
}

/**
 * One CSV file read as a stream of row batches with physical line numbers. The header (or
 * the first row's width, without a header) is read on open; a 0-byte file has no columns.
 */
export class CsvFile {
  /** The header's cells as written, or undefined for a file with no text at all. */
  header: string[] | undefined;
  delimiter = ',';
  /**
   * The record end papaparse splits on: `\n` wherever a line feed occurs, so CRLF and LF may
   * mix (the CR left at a row's end is cut, see `cutCarriageReturns`); `\r` for a file of
   * lone CRs only.
   */
  private newline: '\n' | '\r' = '\n';
  private parser: Papa.Parser | undefined;
  private pending = '';
  private line = 1;
  private eof = false;

  private constructor(
    readonly ref: FileRef,
    private readonly chunks: AsyncGenerator<string>,
    private readonly options: CsvOptions,
  ) {}

  static async open(ref: FileRef, options: CsvOptions): Promise<CsvFile> {
    const file = new CsvFile(ref, textChunks(ref, options.encoding), options);
    await file.readHeader();
    return file;
  }

  private async readHeader(): Promise<void> {
    const options = this.options;
    while (!this.eof && this.pending.length < SAMPLE_CHARS) await this.pull();
    if (this.pending.length === 0) return;

    this.newline = detectNewline(this.pending);
    this.delimiter = options.delimiter ?? detectDelimiter(this.pending, this.newline, this.eof);
    this.parser = new Papa.Parser({ delimiter: this.delimiter, newline: this.newline });

    // The header alone: `preview` stops after one row, quoted newlines included.
    const headerParser = new Papa.Parser({
      delimiter: this.delimiter,
      newline: this.newline,
      preview: 1,
      fastMode: false,
    });
    const maxRow = options.maxRowChars ?? MAX_ROW_CHARS;
    let first = headerParser.parse(this.pending, 0, !this.eof);
    // A header not ended yet: read on, twice as much each time (one parse per doubling).
    let target = Math.max(this.pending.length, SAMPLE_CHARS);
    while (first.data.length === 0 && !this.eof) {
      if (this.pending.length > maxRow) throw this.rowTooLong(maxRow, 1);
      target = Math.min(target * 2, maxRow + 1);
      while (!this.eof && this.pending.length < target) await this.pull();
      first = headerParser.parse(this.pending, 0, !this.eof);
    }
    let row = first.data[0] as string[] | undefined;
    if (!row) return;
    if (options.header) this.checkHeader(first.errors, row, maxRow);
    else {
      // A first row with a quote error is a record, rejected with its line (parsePending);
      // papaparse's reading of it (the lines up to the next quote, or a line's fields run
      // together) has no width to trust, so the next row gives it.
      const cut = lineEndAfterQuoteError(first.errors, this.pending, this.newline, true);
      if (cut !== undefined) {
        const rest = this.pending.slice(cut + this.newline.length);
        row = (headerParser.parse(rest, 0, !this.eof).data[0] as string[] | undefined) ?? row;
      }
    }
    if (this.newline === '\n') {
      const after = 2 + embeddedNewlines(row, this.newline);
      cutCarriageReturns([row], rowTexts(this.pending, '\n', [1], after), this.delimiter);
    }
    if (!options.header) {
      this.header = row.map((_, i) => `column_${i + 1}`);
      return;
    }
    this.header = row;
    const consumed = first.meta.cursor;
    this.line += countChar(this.pending, this.newline, consumed);
    this.pending = this.pending.slice(consumed);
  }

  /**
   * A header row papaparse had to guess at (an unclosed quote, text after a closing quote)
   * fails the read: every row after it would be read under wrong names, or swallowed into
   * one name. The first row of a file without a header is a record and meets on_bad_record.
   */
  private checkHeader(errors: Papa.ParseError[], row: string[], maxRow: number): void {
    const { stream, file } = this.ref;
    const error = errors.find((e) => e.row === 0 || e.row === undefined);
    if (rowChars(row) > maxRow) throw this.rowTooLong(maxRow, 1);
    if (error?.type !== 'Quotes') return;
    const position = fieldIndexAt(this.pending, 0, (error.index ?? 1) - 1, this.delimiter) + 1;
    const reason =
      error.code === 'MissingQuotes'
        ? 'unclosed quote'
        : 'malformed quotes (text after a closing quote)';
    throw new BadRecordError(
      `stream '${stream}', file '${file}' line 1 (the header), field ${position}: ${reason}; ` +
        'no row can be read under a header that does not parse',
      { stream, file, line: 1, position },
    );
  }

  private async pull(): Promise<boolean> {
    try {
      const next = await this.chunks.next();
      if (next.done) {
        this.eof = true;
        return false;
      }
      this.pending += next.value;
      return true;
    } catch (error) {
      if (error instanceof InvalidUtf8Error) throw this.encodingError(error);
      throw error;
    }
  }

  /** Names the line and column where the invalid byte sits, from the text before it. */
  private encodingError(error: InvalidUtf8Error): BadRecordError {
    const before = this.pending + error.validText;
    if (!this.parser) {
      // The bad byte came before the header was parsed: detect the layout from what came.
      this.newline = detectNewline(before);
      this.delimiter = this.options.delimiter ?? detectDelimiter(before, this.newline, false);
    }
    const parser = new Papa.Parser({ delimiter: this.delimiter, newline: this.newline });
    const rows = parser.parse(before, 0, false).data as string[][];
    const current = rows[rows.length - 1];
    const header = this.header ?? (this.options.header && rows.length > 1 ? rows[0] : undefined);
    const index = Math.max((current?.length ?? 1) - 1, 0);
    const line = this.line + countChar(before, this.newline);
    const column = header?.[index] ?? `column_${index + 1}`;
    const { stream, file } = this.ref;
    return new BadRecordError(
      `stream '${stream}', file '${file}' line ${line}, column '${column}': invalid UTF-8 byte ` +
        `0x${hex(error.byte)} (byte offset ${error.byteOffset}); set the stream's encoding ` +
        `(latin1 or windows-1252) if the file is not UTF-8`,
      { stream, file, line, column, field: column, byte: `0x${hex(error.byte)}` },
    );
  }

  /** The remaining rows, a chunk at a time. */
  async *batches(): AsyncGenerator<RawBatch<string[]>> {
    if (this.pending.length === 0 && this.eof) return;
    const maxRow = this.options.maxRowChars ?? MAX_ROW_CHARS;
    // Text to hold before parsing. A row longer than that leaves the parse without a row:
    // the target then doubles, so a long row is parsed a few times, not once per chunk.
    let target = SAMPLE_CHARS;
    for (;;) {
      while (!this.eof && this.pending.length < target) await this.pull();
      const growing = target > SAMPLE_CHARS;
      const batch = this.parsePending();
      if (batch.rows.length > 0) {
        // Only the row the target grew for can be over the limit: every other row fit.
        if (growing && rowChars(batch.rows[0]!) > maxRow) {
          throw this.rowTooLong(maxRow, batch.lines[0]!);
        }
        target = SAMPLE_CHARS;
        yield batch;
      } else {
        target = Math.min(Math.max(target, this.pending.length) * 2, maxRow + 1);
      }
      if (this.eof && this.pending.length === 0) return;
      if (this.pending.length > maxRow) throw this.rowTooLong(maxRow, this.line);
    }
  }

  private parsePending(): RawBatch<string[]> {
    const firstLine = this.line;
    let text = this.pending;
    let complete = this.eof;
    let result = this.parser!.parse(text, 0, !complete);
    // A quote error lets papaparse read on to the next quote, taking the lines up to it (the
    // whole rest of the file, when none comes) into the bad row. The bad row ends with its
    // line instead: the text is parsed again up to that line end, and reading goes on after.
    const cut = lineEndAfterQuoteError(result.errors, text, this.newline, complete);
    let skip = 0;
    if (cut !== undefined) {
      text = text.slice(0, cut);
      complete = true;
      skip = this.newline.length;
      result = this.parser!.parse(text, 0, false);
    }
    const rows = result.data as string[][];
    const consumed = complete ? text.length : result.meta.cursor;
    const newlines = countChar(text, this.newline, consumed);

    const endsWithNewline = text.endsWith(this.newline);
    // The empty "row" papaparse reports after a final line break is not a row.
    const last = rows[rows.length - 1];
    if (complete && endsWithNewline && last?.length === 1 && last[0] === '') rows.pop();

    const lines = new Array<number>(rows.length);
    let line = this.line;
    // Without embedded newlines every row is one line; otherwise count those in its fields.
    const unterminated = complete && !endsWithNewline && rows.length > 0 ? 1 : 0;
    const embedded = newlines > rows.length - unterminated;
    for (let i = 0; i < rows.length; i++) {
      lines[i] = line;
      line += embedded ? 1 + embeddedNewlines(rows[i]!, this.newline) : 1;
    }
    const rawOf = rowTexts(text.slice(0, consumed), this.newline, lines, line);
    if (this.newline === '\n' && text.includes('\r')) {
      // Row texts are needed only where a quoted value may end in CR (a CR before a quote).
      cutCarriageReturns(rows, text.includes('\r"') ? rawOf : undefined, this.delimiter);
    }
    this.line += newlines + (skip > 0 ? 1 : 0);
    const next = consumed + skip;
    this.pending = next >= this.pending.length ? '' : this.pending.slice(next);
    const problems = result.errors.length
      ? problemsOf(result.errors, rows.length, (e) => this.fieldPosition(text, firstLine, lines, e))
      : undefined;
    return { rows, lines, problems, rawOf };
  }

  /**
   * The 1-based position of the field a quote error is in. The row starts after as many
   * line breaks as lie between the text's first line and the row's; the error's index is
   * just past the field's opening quote.
   */
  private fieldPosition(text: string, firstLine: number, lines: number[], e: Papa.ParseError) {
    let rowStart = 0;
    for (let n = lines[e.row!]! - firstLine; n > 0; n--) {
      rowStart = text.indexOf(this.newline, rowStart) + 1;
    }
    return fieldIndexAt(text, rowStart, (e.index ?? rowStart + 1) - 1, this.delimiter) + 1;
  }

  private rowTooLong(maxRow: number, line: number): BadRecordError {
    const { stream, file } = this.ref;
    return new BadRecordError(
      `stream '${stream}', file '${file}' line ${line}: a row longer than ` +
        `${maxRow} characters, probably an unclosed quote`,
      { stream, file, line },
    );
  }

  /** Stops reading and closes the file. */
  async close(): Promise<void> {
    await this.chunks.return(undefined);
  }
}

/**
 * Cuts the CR of a CRLF from the last field of each row: rows are split at LF, so a row
 * ended by CRLF keeps its CR when its last field is unquoted (after a closing quote,
 * papaparse drops it). A CR inside a quoted value is data and stays, at its end too
 * (`"abc\r"`). An unquoted last field is the end of its row's text exactly (`rawOf`, line end
 * cut), right after a delimiter or as the whole row; a quoted one never is, its text has the
 * quotes. Without `rawOf` (no quoted value in the text can end in CR) every such CR is cut.
 */
function cutCarriageReturns(
  rows: string[][],
  rawOf: ((index: number) => string) | undefined,
  delimiter: string,
): void {
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const last = row.length - 1;
    const field = row[last]!;
    if (field.charCodeAt(field.length - 1) !== 13) continue;
    const value = field.slice(0, -1);
    if (rawOf) {
      const raw = rawOf(i);
      const unquoted =
        raw.endsWith(value) && (raw.length === value.length || raw.endsWith(delimiter + value));
      if (!unquoted) continue;
    }
    row[last] = value;
  }
}

/**
 * Each row's own text in `text` (the part of a chunk its rows came from), without its line
 * end: row i runs from the line break before its first line to the one before the next
 * row's. The line breaks are found on the first call only, for a reject now and then.
 */
function rowTexts(
  text: string,
  newline: '\n' | '\r',
  lines: number[],
  lineAfter: number,
): (index: number) => string {
  let breaks: number[] | undefined;
  return (i) => {
    breaks ??= positionsOf(text, newline);
    const first = lines[0]!;
    const from = lines[i]! - first - 1;
    const to = (i + 1 < lines.length ? lines[i + 1]! : lineAfter) - first - 1;
    const start = from < 0 ? 0 : breaks[from]! + 1;
    let end = to < breaks.length ? breaks[to]! : text.length;
    // The text's own last line end (a row open to the end of the file ends there) is cut too.
    if (end === text.length && end > start && text.charCodeAt(end - 1) === newline.charCodeAt(0))
      end--;
    if (newline === '\n' && text.charCodeAt(end - 1) === 13) end--;
    return text.slice(start, end);
  };
}

/** The index of every occurrence of one character. */
function positionsOf(text: string, char: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) out.push(i);
  return out;
}

/** A row's length in characters, delimiters counted, quotes not. */
function rowChars(row: string[]): number {
  let n = row.length - 1;
  for (const field of row) n += field.length;
  return n;
}

function embeddedNewlines(row: string[], lineChar: string): number {
  let n = 0;
  for (const field of row) if (field.includes(lineChar)) n += countChar(field, lineChar);
  return n;
}

/**
 * The 0-based index of the field starting at `at` in the row starting at `start`. The
 * fields before it are well formed (else papaparse had reported one of them first): a
 * quoted one runs to its closing quote (`""` is a quote inside), any other to a delimiter.
 */
function fieldIndexAt(text: string, start: number, at: number, delimiter: string): number {
  let index = 0;
  let i = start;
  while (i < at) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1 || quote >= at) return index;
        i = quote + 1;
        if (text[i] !== '"') break;
        i++;
      }
    }
    const next = text.indexOf(delimiter, i);
    if (next === -1 || next >= at) return index;
    index++;
    i = next + delimiter.length;
  }
  return index;
}

function problemsOf(
  errors: Papa.ParseError[],
  rowCount: number,
  positionOf: (e: Papa.ParseError) => number,
): RowProblem[] | undefined {
  let problems: RowProblem[] | undefined;
  for (const e of errors) {
    // Errors in the unfinished last row are seen again once the row is complete.
    if (e.row === undefined || e.row >= rowCount) continue;
    // Only a row's first error: the reader takes one problem a row, in row order.
    if (problems?.[problems.length - 1]?.index === e.row) continue;
    problems ??= [];
    const reason =
      e.code === 'MissingQuotes'
        ? 'unclosed quote'
        : 'malformed quotes (text after a closing quote)';
    problems.push({ index: e.row, code: 'malformed_row', reason, position: positionOf(e) });
  }
  return problems;
}
