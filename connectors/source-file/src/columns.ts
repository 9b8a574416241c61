import type { Logger, LogicalType } from '@tributary/core';
import { classifyJson } from './classify.js';
import { type Converter, jsonConverter, MISMATCH, textConverter, widenedType } from './convert.js';

/** One column of a stream: its current logical type and the converter built for it. */
export interface Column {
  readonly name: string;
  type: LogicalType;
  convert: Converter;
}

/**
 * The columns of one stream during a read, shared by all its files. A value that does not
 * fit its column widens the column (core's `widen`) for the rest of the run, with a warning:
 * the run goes on and the value is sent in the wider form.
 */
export class StreamColumns {
  private readonly byName = new Map<string, Column>();

  constructor(
    private readonly stream: string,
    private readonly fromText: boolean,
    private readonly nulls: ReadonlySet<string>,
    private readonly logger: Logger,
    types: ReadonlyMap<string, LogicalType>,
    /** The type of a field the catalog does not know; undefined infers it from the value. */
    private readonly newFieldType: LogicalType | undefined,
  ) {
    for (const [name, type] of types) this.byName.set(name, this.make(name, type));
  }

  private make(name: string, type: LogicalType): Column {
    const convert = this.fromText ? textConverter(type, this.nulls) : jsonConverter(type);
    return { name, type, convert };
  }

  /** The column of a field, created for a field that appeared after discovery. */
  get(name: string, sample?: unknown): Column {
    const known = this.byName.get(name);
    if (known) return known;
    const inferred = this.fromText ? 'string' : (classifyJson(sample) ?? 'string');
    const column = this.make(name, this.newFieldType ?? inferred);
    this.byName.set(name, column);
    return column;
  }

  /** Converts a value that did not fit, widening its column first. */
  widen(column: Column, value: unknown, file: string, line: number): unknown {
    const from = column.type;
    const to = widenedType(from, value, this.fromText);
    const next = this.make(column.name, to);
    column.type = to;
    column.convert = next.convert;
    this.logger.warn('field widened: a value did not fit the type inferred from the sample', {
      stream: this.stream,
      field: column.name,
      file,
      line,
      from_type: from,
      to_type: to,
    });
    const out = column.convert(value);
    return out === MISMATCH ? String(value) : out;
  }
}
