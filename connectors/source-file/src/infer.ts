import { type Logger, type LogicalType, schemaFor, widen } from '@tributary/core';
import { classifyJson, classifyText } from './classify.js';
import type { FileStreamConfig } from './config.js';
import { openFile } from './open.js';

/**
 * The logical type of every field of a stream, in order of first appearance, inferred from
 * its first `sample_rows` records that parsed cleanly (across its files in order): a row with
 * a quote error or the wrong field count is left out. Every field is nullable; a
 * field with only empty values in the sample is a string. `column_types` wins over
 * inference, and with `infer_types: false` every field is a string.
 */
export async function inferFieldTypes(
  stream: FileStreamConfig,
  files: readonly string[],
  logger: Logger,
): Promise<Map<string, LogicalType>> {
  // The read opens the same files and warns about them (a file without a header): once a
  // run, not again for each time the files are sampled.
  const sampling: Logger = {
    debug: (message, meta) => logger.debug(message, meta),
    info: (message, meta) => logger.info(message, meta),
    warn: (message, meta) => logger.debug(message, meta),
    error: (message, meta) => logger.error(message, meta),
  };
  const seen = new Map<string, LogicalType | undefined>();
  const nulls = new Set(stream.null_values ?? []);
  let remaining = stream.sample_rows;
  for (const file of files) {
    const opened = await openFile(stream, file, sampling);
    if (!opened) continue;
    if (opened.kind === 'csv')
      for (const name of opened.columns) if (!seen.has(name)) seen.set(name, undefined);
    if (remaining <= 0) {
      await opened.batches.return(undefined);
      continue;
    }
    for await (const batch of opened.batches) {
      // A malformed row is skipped or rejected by the read: its cells would only mislead.
      const malformed = new Set(batch.problems?.map((problem) => problem.index));
      for (const [index, row] of batch.rows.entries()) {
        if (remaining <= 0) break;
        if (malformed.has(index)) continue;
        if (opened.kind === 'csv') {
          const cells = row as string[];
          if (cells.length !== opened.columns.length) continue;
          opened.columns.forEach((name, i) => {
            const text = cells[i]!;
            const t = nulls.has(text) ? undefined : classifyText(text);
            merge(seen, name, t);
          });
        } else {
          if (!row || '_raw' in row) continue;
          for (const [name, value] of Object.entries(row)) merge(seen, name, classifyJson(value));
        }
        remaining--;
      }
      if (remaining <= 0) break;
    }
    await opened.batches.return(undefined);
  }
  const types = new Map<string, LogicalType>();
  for (const [name, t] of seen) {
    const override = stream.column_types?.[name];
    types.set(name, override ?? (stream.infer_types ? (t ?? 'string') : 'string'));
  }
  return types;
}

function merge(
  seen: Map<string, LogicalType | undefined>,
  name: string,
  t: LogicalType | undefined,
) {
  const before = seen.get(name);
  if (t === undefined) {
    if (!seen.has(name)) seen.set(name, undefined);
    return;
  }
  seen.set(name, before === undefined ? t : widen(before, t));
}

/** A stream's JSON Schema from its field types: every field nullable. */
export function jsonSchemaOf(types: ReadonlyMap<string, LogicalType>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, type] of types) properties[name] = schemaFor(type, true);
  return { type: 'object', properties };
}
