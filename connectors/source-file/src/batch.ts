/** A row the parser could not read as a record: why, and the error code it gets. */
export interface RowProblem {
  index: number;
  code:
    | 'malformed_row'
    | 'field_count'
    | 'invalid_json'
    | 'missing_primary_key'
    | 'declared_type'
    | 'missing_cursor'
    | 'bad_cursor';
  reason: string;
  column?: string;
  /** The column's 1-based position, where the reader knows it before the column's name. */
  position?: number;
}

/** Rows parsed from one chunk of a file, each with the physical line (1-based) it starts on. */
export interface RawBatch<Row> {
  rows: Row[];
  lines: number[];
  /** Rows that are malformed, by index in `rows`; absent when every row parsed cleanly. */
  problems: RowProblem[] | undefined;
  /** The text a row was read from, as the file has it (quotes included), for a reject. */
  rawOf?: (index: number) => string;
}

/** Where a file being read is: its name as configured, its stream, and the line reached. */
export interface FileRef {
  stream: string;
  /** The path as the user wrote it or the glob matched it, for messages. */
  file: string;
  /** The path to open. */
  path: string;
}

/** How many times `ch` occurs in `text` before `end`. */
export function countChar(text: string, ch: string, end: number = text.length): number {
  let n = 0;
  let i = text.indexOf(ch);
  while (i !== -1 && i < end) {
    n++;
    i = text.indexOf(ch, i + 1);
  }
  return n;
}
