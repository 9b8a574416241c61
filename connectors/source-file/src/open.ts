import { resolve } from 'node:path';
import type { Logger } from '@tributary/core';
import type { FileRef, RawBatch } from './batch.js';
import { type FileStreamConfig, formatOf } from './config.js';
import { CsvFile } from './csv.js';
import { columnNames } from './headers.js';
import { jsonArrayBatches, jsonlBatches } from './json-files.js';

/** A file opened for reading: CSV rows under their column names, or JSON objects. */
export type OpenedFile =
  | {
      kind: 'csv';
      ref: FileRef;
      columns: string[];
      delimiter: string;
      batches: AsyncGenerator<RawBatch<string[]>>;
    }
  | { kind: 'json'; ref: FileRef; batches: AsyncGenerator<RawBatch<JsonRow>> };

/** A parsed JSON object, or `{_raw}` for a line that did not parse (see its batch's problems). */
export type JsonRow = Record<string, unknown> | undefined;

/**
 * Opens one file of a stream. A CSV header is checked (duplicates, empty names) before any
 * row is read; a 0-byte CSV has no header: a warning, and no rows.
 */
export async function openFile(
  stream: FileStreamConfig,
  file: string,
  logger: Logger,
): Promise<OpenedFile | undefined> {
  const ref: FileRef = { stream: stream.name, file, path: resolve(file) };
  const format = formatOf(stream, file);
  if (format === 'jsonl') return { kind: 'json', ref, batches: jsonlBatches(ref, stream.encoding) };
  if (format === 'json') {
    return { kind: 'json', ref, batches: jsonArrayBatches(ref, stream.encoding) };
  }
  const csv = await CsvFile.open(ref, {
    delimiter: stream.delimiter,
    encoding: stream.encoding,
    header: stream.header,
  });
  if (!csv.header) {
    logger.warn(`file '${file}' has no header: read as 0 records`, { stream: stream.name, file });
    await csv.close();
    return undefined;
  }
  let columns: string[];
  try {
    columns = columnNames(csv.header, stream.duplicate_headers, { stream: stream.name, file });
  } catch (error) {
    await csv.close();
    throw error;
  }
  return { kind: 'csv', ref, columns, delimiter: csv.delimiter, batches: csv.batches() };
}
