import { type Static, Type } from 'typebox';

/** One row of data on a stream. `emitted_at` is milliseconds since the epoch. */
export const RecordMessage = Type.Object({
  stream: Type.String(),
  namespace: Type.Optional(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
  emitted_at: Type.Number(),
});
/** One row of data on a stream. */
export type RecordMessage = Static<typeof RecordMessage>;

/**
 * The reserved field a source sets on a record to say the row was deleted at the source.
 * A destination never stores it as a column; it applies the stream's `delete_policy`.
 */
export const DELETED_FIELD = '_deleted';

/** True when the record is a deletion marker. */
export function isDeletion(data: Record<string, unknown>): boolean {
  return data[DELETED_FIELD] === true;
}
