import { LOGICAL_TYPES } from '@tributary/core';
import { type Static, Type } from 'typebox';

const LogicalTypeName = Type.Union(LOGICAL_TYPES.map((t) => Type.Literal(t)));

/** One stream: a file or a glob of files read in sorted order, with how to parse them. */
export const FileStreamConfig = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The stream name.' }),
    path: Type.String({
      minLength: 1,
      description:
        'A file path or glob, relative to the working directory. Several matched files are ' +
        'read in sorted order as one stream.',
    }),
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('jsonl'), Type.Literal('json')], {
        description: 'csv, jsonl or json (an array); by default from the file extension.',
      }),
    ),
    delimiter: Type.Optional(
      Type.Union([Type.Literal(','), Type.Literal(';'), Type.Literal('\t'), Type.Literal('|')], {
        description: 'CSV field delimiter; detected from the header line and a sample if absent.',
      }),
    ),
    encoding: Type.Union(
      [Type.Literal('utf-8'), Type.Literal('latin1'), Type.Literal('windows-1252')],
      { default: 'utf-8', description: 'Text encoding of the files.' },
    ),
    header: Type.Boolean({
      default: true,
      description: 'CSV: the first line names the columns; false names them column_1..n.',
    }),
    duplicate_headers: Type.Union([Type.Literal('fail'), Type.Literal('rename')], {
      default: 'fail',
      description:
        'CSV: fail on duplicate or empty header names, or rename them (phone_2, column_5).',
    }),
    primary_key: Type.Optional(
      Type.Array(Type.String(), { description: 'Fields that identify a record.' }),
    ),
    cursor_field: Type.Optional(
      Type.String({ description: 'The default cursor field for incremental reads.' }),
    ),
    infer_types: Type.Boolean({
      default: true,
      description: 'CSV: infer logical types from a sample; false reads every column as text.',
    }),
    column_types: Type.Optional(
      Type.Record(Type.String(), LogicalTypeName, {
        description: 'Logical type per column, overriding inference.',
      }),
    ),
    null_values: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'CSV texts read as null in every column (an empty text is already null in typed ' +
          'columns); list "" to read empty text as null in string columns too.',
      }),
    ),
    sample_rows: Type.Integer({
      minimum: 1,
      default: 1000,
      description: 'Records read to infer the schema.',
    }),
    checkpoint_interval: Type.Integer({
      minimum: 1,
      default: 10000,
      description: 'Records between STATE messages.',
    }),
  },
  { additionalProperties: false },
);
/** One configured file stream, defaults filled in. */
export type FileStreamConfig = Static<typeof FileStreamConfig>;

/** The source's config: the streams it offers. */
export const FileSourceConfig = Type.Object(
  { streams: Type.Array(FileStreamConfig, { minItems: 1 }) },
  { additionalProperties: false },
);
/** The source's config. */
export type FileSourceConfig = Static<typeof FileSourceConfig>;

/** The format of a stream: the configured one, else the one the path's extension names. */
export function formatOf(stream: FileStreamConfig, file: string): 'csv' | 'jsonl' | 'json' {
  if (stream.format) return stream.format;
  const lower = file.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  return 'csv';
}
