import { asText, type Logger, type LogicalType } from '@tributary/core';
import { classifyJson } from './classify.js';
import { type Converter, jsonConverter, MISMATCH, textConverter, widenedType } from './convert.js';

/** Longest value quoted in a type error: enough to recognise it, not a whole document. */
const MAX_VALUE_CHARS = 100;

/** One column of a stream: its current logical type and the converter built for it. */
export interface Column {
  readonly name: string;
  type: LogicalType;
  convert: Converter;
  /** The user declared this column's type (`column_types`): it never widens. */
  readonly declared: boolean;
}

/**
 * A value that does not fit the type the user declared for its column. A declared type is a
 * contract, so the record is bad (the stream's `on_bad_record` decides), where a value that
 * breaks a merely sampled type widens the column.
 */
export class DeclaredTypeMismatch extends Error {
  constructor(
    readonly column: string,
    readonly type: LogicalType,
    value: unknown,
  ) {
    const text = asText(value);
    const shown = text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text;
    super(`value ${JSON.stringify(shown)} does not fit the declared type ${type} (column_types)`);
    this.name = 'DeclaredTypeMismatch';
  }
}

/**
 * The columns of one stream during a read, shared by all its files. A value that does not
 * fit its inferred type widens the column (core's `widen`) for the rest of the run, with a
 * warning: the run goes on and the value is sent in the wider form.
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
    /** The stream's `column_types`: these columns keep their type. */
    private readonly declared: Readonly<Record<string, LogicalType>> = {},
  ) {
    for (const [name, type] of types) this.byName.set(name, this.make(name, type));
  }

  private make(name: string, type: LogicalType): Column {
    const convert = this.fromText ? textConverter(type, this.nulls) : jsonConverter(type);
    return { name, type, convert, declared: Object.hasOwn(this.declared, name) };
  }

  /** The column of a field, created for a field that appeared after discovery. */
  get(name: string, sample?: unknown): Column {
    const known = this.byName.get(name);
    if (known) return known;
    const inferred = this.fromText ? 'string' : (classifyJson(sample) ?? 'string');
    const declared = Object.hasOwn(this.declared, name) ? this.declared[name] : undefined;
    const column = this.make(name, declared ?? this.newFieldType ?? inferred);
    this.byName.set(name, column);
    return column;
  }

  /**
   * Handles a value its column's converter refused: throws DeclaredTypeMismatch for a
   * declared column, else widens the column and converts the value.
   */
  misfit(column: Column, value: unknown, file: string, line: number): unknown {
    if (column.declared) throw new DeclaredTypeMismatch(column.name, column.type, value);
    return this.widen(column, value, file, line);
  }

  /** Converts a value that did not fit, widening its column first. */
  private widen(column: Column, value: unknown, file: string, line: number): unknown {
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
