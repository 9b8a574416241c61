import { type Static, Type } from 'typebox';

/** Names one stream: its name and, where the source has one, its namespace (a schema, a shop). */
export const StreamDescriptor = Type.Object({
  name: Type.String(),
  namespace: Type.Optional(Type.String()),
});
/** Names one stream: its name and, where the source has one, its namespace. */
export type StreamDescriptor = Static<typeof StreamDescriptor>;

/** A stable text key for a stream, used to index maps and tables of state. */
export function streamKey(descriptor: { name: string; namespace?: string | undefined }): string {
  return descriptor.namespace ? `${descriptor.namespace}.${descriptor.name}` : descriptor.name;
}
