import { BadRecordError } from '@tributary/core';
import { countChar, type FileRef, type RawBatch, type RowProblem } from './batch.js';
import { type Encoding, hex, InvalidUtf8Error, textChunks } from './decode.js';
import { parseJsonExact } from './json-numbers.js';

type Row = Record<string, unknown> | undefined;

/** Reads JSON Lines: one object per line; blank lines are skipped. */
export async function* jsonlBatches(
  ref: FileRef,
  encoding: Encoding,
): AsyncGenerator<RawBatch<Row>> {
  let pending = '';
  let line = 1;
  for await (const text of decoded(ref, encoding, () => ({ pending, line }))) {
    const eof = text === undefined;
    pending += text ?? '';
    const end = eof ? pending.length : pending.lastIndexOf('\n') + 1;
    if (end === 0) continue;
    const batch = newBatch();
    let start = 0;
    while (start < end) {
      let stop = pending.indexOf('\n', start);
      if (stop === -1 || stop >= end) stop = end;
      const raw = pending.slice(start, stop).trim();
      if (raw !== '') addParsed(batch, raw, line);
      line++;
      start = stop + 1;
    }
    pending = pending.slice(end);
    if (batch.rows.length > 0) yield batch;
  }
}

/** Reads one JSON array of objects element by element, never holding the whole array. */
export async function* jsonArrayBatches(
  ref: FileRef,
  encoding: Encoding,
): AsyncGenerator<RawBatch<Row>> {
  const scan = { depth: 0, inString: false, escape: false, started: false, ended: false };
  let pending = '';
  let line = 1; // line at the start of `pending`
  let elementLine = 1;
  for await (const text of decoded(ref, encoding, () => ({ pending, line }))) {
    const eof = text === undefined;
    pending += text ?? '';
    const batch = newBatch();
    let elementStart = -1;
    let cut = pending.length; // where the unfinished element (if any) begins
    let lineAtCut = line;
    let current = line;
    for (let i = 0; i < pending.length; i++) {
      const ch = pending[i]!;
      if (ch === '\n') current++;
      if (scan.inString) {
        if (scan.escape) scan.escape = false;
        else if (ch === '\\') scan.escape = true;
        else if (ch === '"') scan.inString = false;
        continue;
      }
      if (ch === ' ' || ch === '\n' || ch === '\r' || ch === '\t') continue;
      if (!scan.started) {
        if (ch !== '[') throw notAnArray(ref, current);
        scan.started = true;
        scan.depth = 1;
        continue;
      }
      if (scan.ended) throw notAnArray(ref, current);
      if (scan.depth === 1 && (ch === ',' || ch === ']')) {
        if (elementStart >= 0) addParsed(batch, pending.slice(elementStart, i).trim(), elementLine);
        elementStart = -1;
        if (ch === ']') {
          scan.depth = 0;
          scan.ended = true;
        }
        continue;
      }
      if (elementStart < 0) {
        elementStart = i;
        elementLine = current;
      }
      if (ch === '"') scan.inString = true;
      else if (ch === '{' || ch === '[') scan.depth++;
      else if (ch === '}' || ch === ']') scan.depth--;
    }
    if (elementStart >= 0) {
      cut = elementStart;
      lineAtCut = elementLine;
      // Rescanning the unfinished element next time must start from its opening state.
      scan.depth = 1;
      scan.inString = false;
      scan.escape = false;
    } else {
      lineAtCut = current;
    }
    pending = pending.slice(cut);
    line = lineAtCut;
    if (batch.rows.length > 0) yield batch;
    if (eof && scan.started && !scan.ended) throw notAnArray(ref, line);
  }
}

function notAnArray(ref: FileRef, line: number): BadRecordError {
  return new BadRecordError(
    `stream '${ref.stream}', file '${ref.file}' line ${line}: not a JSON array of objects`,
    { stream: ref.stream, file: ref.file, line },
  );
}

function newBatch(): RawBatch<Row> {
  return { rows: [], lines: [], problems: undefined };
}

function addParsed(batch: RawBatch<Row>, raw: string, line: number): void {
  let value: unknown;
  let problem: RowProblem | undefined;
  try {
    value = parseJsonExact(raw);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      problem = { index: batch.rows.length, code: 'invalid_json', reason: 'not a JSON object' };
    }
  } catch (error) {
    const reason = `invalid JSON: ${(error as Error).message}`;
    problem = { index: batch.rows.length, code: 'invalid_json', reason };
  }
  if (problem) {
    batch.problems ??= [];
    batch.problems.push(problem);
  }
  batch.rows.push(problem ? { _raw: raw } : (value as Record<string, unknown>));
  batch.lines.push(line);
}

/** Decoded chunks, then one `undefined` for the end; a bad byte names its line. */
async function* decoded(
  ref: FileRef,
  encoding: Encoding,
  where: () => { pending: string; line: number },
): AsyncGenerator<string | undefined> {
  try {
    yield* textChunks(ref, encoding);
  } catch (error) {
    if (!(error instanceof InvalidUtf8Error)) throw error;
    const { pending, line: start } = where();
    const line = start + countChar(pending + error.validText, '\n');
    throw new BadRecordError(
      `stream '${ref.stream}', file '${ref.file}' line ${line}: invalid UTF-8 byte ` +
        `0x${hex(error.byte)} (byte offset ${error.byteOffset}); set the stream's encoding ` +
        `if the file is not UTF-8`,
      { stream: ref.stream, file: ref.file, line, byte: `0x${hex(error.byte)}` },
    );
  }
  yield undefined;
}
