import { type Static, Type } from 'typebox';
import { StreamDescriptor } from './stream-descriptor.js';

/** Who is at fault: the user's config, the system, or a passing condition worth a retry. */
export const FailureType = Type.Union([
  Type.Literal('config_error'),
  Type.Literal('system_error'),
  Type.Literal('transient_error'),
]);
/** config_error, system_error or transient_error. */
export type FailureType = Static<typeof FailureType>;

/** An error a connector reports before it stops. `code` is Tributary's stable error code. */
export const TraceError = Type.Object({
  message: Type.String(),
  internal_message: Type.Optional(Type.String()),
  stack_trace: Type.Optional(Type.String()),
  failure_type: Type.Optional(FailureType),
  stream_descriptor: Type.Optional(StreamDescriptor),
  code: Type.Optional(Type.String()),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
/** An error a connector reports before it stops. */
export type TraceError = Static<typeof TraceError>;

/** How many rows or bytes a stream (or the whole sync) is expected to carry. */
export const TraceEstimate = Type.Object({
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
  type: Type.Union([Type.Literal('STREAM'), Type.Literal('SYNC')]),
  row_estimate: Type.Optional(Type.Number()),
  byte_estimate: Type.Optional(Type.Number()),
});
/** A size estimate for a stream or the whole sync. */
export type TraceEstimate = Static<typeof TraceEstimate>;

/** Where a stream is in its life during one read. */
export const StreamStatus = Type.Object({
  stream_descriptor: StreamDescriptor,
  status: Type.Union([
    Type.Literal('STARTED'),
    Type.Literal('RUNNING'),
    Type.Literal('COMPLETE'),
    Type.Literal('INCOMPLETE'),
  ]),
});
/** Where a stream is in its life during one read. */
export type StreamStatus = Static<typeof StreamStatus>;

/**
 * A record that a connector could not take, with the reason. A Tributary extension of the
 * trace types: the engine fails the run, skips it or keeps it in the rejects table, by the
 * stream's `on_bad_record` option. `record` is absent where the input could not be parsed.
 */
export const TraceReject = Type.Object({
  stream_descriptor: StreamDescriptor,
  reason: Type.String(),
  code: Type.String(),
  record: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  raw: Type.Optional(Type.String()),
  record_key: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  file: Type.Optional(Type.String()),
  line: Type.Optional(Type.Integer()),
});
/** A record a connector could not take, with the reason. */
export type TraceReject = Static<typeof TraceReject>;

/** A change a destination made to fit the data: a column added or widened. */
export const TraceSchemaChange = Type.Object({
  stream_descriptor: StreamDescriptor,
  change: Type.Union([Type.Literal('column_added'), Type.Literal('column_widened')]),
  field: Type.String(),
  column: Type.String(),
  from_type: Type.Optional(Type.String()),
  to_type: Type.String(),
});
/** A change a destination made to fit the data. */
export type TraceSchemaChange = Static<typeof TraceSchemaChange>;

/** Structured out-of-band information: errors, estimates, stream status, rejects, schema changes. */
export const TraceMessage = Type.Object({
  type: Type.Union([
    Type.Literal('ERROR'),
    Type.Literal('ESTIMATE'),
    Type.Literal('STREAM_STATUS'),
    Type.Literal('ANALYTICS'),
    Type.Literal('REJECT'),
    Type.Literal('SCHEMA_CHANGE'),
  ]),
  emitted_at: Type.Number(),
  error: Type.Optional(TraceError),
  estimate: Type.Optional(TraceEstimate),
  stream_status: Type.Optional(StreamStatus),
  reject: Type.Optional(TraceReject),
  schema_change: Type.Optional(TraceSchemaChange),
});
/** Structured out-of-band information. */
export type TraceMessage = Static<typeof TraceMessage>;
