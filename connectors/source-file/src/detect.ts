import Papa from 'papaparse';

const CANDIDATES = [',', ';', '\t', '|'] as const;
/** Rows of the sample compared with the header when guessing the delimiter. */
const SAMPLE_ROWS = 50;

/**
 * The record end of a text: LF when it has one outside quoted values, whether lines end in
 * LF or CRLF (or both, mixed); a lone CR only when no LF stands outside quotes (old Mac
 * exports, which may still quote a value holding an LF).
 */
export function detectNewline(text: string): '\n' | '\r' {
  // Line breaks inside quoted values do not count: a CR-only file may quote an LF. A quote
  // opens a value only where a value starts (after a line break or a candidate delimiter),
  // as the parser reads it: in `5" screen` it is text. Inside, `""` is a quote.
  let lf = false;
  let cr = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      }
      continue;
    }
    if (c === 34) quoted = i === 0 || STARTS_VALUE.has(text.charCodeAt(i - 1));
    else if (c === 10) lf = true;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) cr = true;
    if (lf) return '\n';
  }
  return cr ? '\r' : '\n';
}

/** Characters after which a value starts: line breaks and the candidate delimiters. */
const STARTS_VALUE = new Set([10, 13, ...CANDIDATES.map((d) => d.charCodeAt(0))]);

/**
 * Guesses the delimiter from the header line and the rows after it: the candidate that
 * splits the header into most fields while the sample rows keep the header's width. Quotes
 * are respected, so a `;` inside a quoted note does not count. A comma when nothing splits.
 */
export function detectDelimiter(sample: string, newline: '\n' | '\r', eof: boolean) {
  let best: { delimiter: string; consistent: number; width: number } | undefined;
  for (const delimiter of CANDIDATES) {
    const rows = sampleRows(sample, delimiter, newline, eof).filter(
      (r) => !(r.length === 1 && r[0] === ''),
    );
    const width = rows[0]?.length ?? 0;
    if (width < 2) continue;
    const consistent = rows.filter((r) => r.length === width).length;
    if (
      !best ||
      consistent > best.consistent ||
      (consistent === best.consistent && width > best.width)
    ) {
      best = { delimiter, consistent, width };
    }
  }
  return best?.delimiter ?? ',';
}

/**
 * The first SAMPLE_ROWS rows of the sample, without rows that have a quote error: the reader
 * rejects such a row with its line, and papaparse's reading of it (the lines up to the next
 * quote) says nothing about the delimiter.
 */
function sampleRows(sample: string, delimiter: string, newline: '\n' | '\r', eof: boolean) {
  const parser = new Papa.Parser({ delimiter, newline, preview: SAMPLE_ROWS, fastMode: false });
  const rows: string[][] = [];
  let text = sample;
  while (rows.length < SAMPLE_ROWS && text.length > 0) {
    const result = parser.parse(text, 0, !eof);
    const cut = lineEndAfterQuoteError(result.errors, text, newline, eof);
    if (cut === undefined) {
      rows.push(...(result.data as string[][]));
      break;
    }
    rows.push(...(parser.parse(text.slice(0, cut), 0, false).data as string[][]).slice(0, -1));
    text = text.slice(cut + newline.length);
  }
  return rows.slice(0, SAMPLE_ROWS);
}

/**
 * Where to end the text so that the first quote error's row ends with its line: the index
 * of the first line break after the error, or undefined for none (no error, or the error's
 * line is the text's last). An unclosed quote counts only once the text is complete: before
 * that, more text may close it.
 */
export function lineEndAfterQuoteError(
  errors: Papa.ParseError[],
  text: string,
  newline: '\n' | '\r',
  complete: boolean,
): number | undefined {
  for (const e of errors) {
    if (e.type !== 'Quotes' || e.index === undefined) continue;
    if (e.code === 'MissingQuotes' && !complete) continue;
    const end = text.indexOf(newline, e.index);
    return end < 0 || end === text.length - newline.length ? undefined : end;
  }
  return undefined;
}
