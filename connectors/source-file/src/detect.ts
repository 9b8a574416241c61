import Papa from 'papaparse';

const CANDIDATES = [',', ';', '\t', '|'] as const;
/** Rows of the sample compared with the header when guessing the delimiter. */
const SAMPLE_ROWS = 50;

/**
 * The record end of a text: LF when it has one, whether lines end in LF or CRLF (or both,
 * mixed); a lone CR only when the text has no LF at all (old Mac exports).
 */
export function detectNewline(text: string): '\n' | '\r' {
  if (text.includes('\n')) return '\n';
  return text.includes('\r') ? '\r' : '\n';
}

/**
 * Guesses the delimiter from the header line and the rows after it: the candidate that
 * splits the header into most fields while the sample rows keep the header's width. Quotes
 * are respected, so a `;` inside a quoted note does not count. A comma when nothing splits.
 */
export function detectDelimiter(sample: string, newline: '\n' | '\r', eof: boolean) {
  let best: { delimiter: string; consistent: number; width: number } | undefined;
  for (const delimiter of CANDIDATES) {
    const parser = new Papa.Parser({ delimiter, newline, preview: SAMPLE_ROWS, fastMode: false });
    const rows = (parser.parse(sample, 0, !eof).data as string[][]).filter(
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
