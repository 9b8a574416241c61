import { type Static, Type } from 'typebox';
import { StreamDescriptor } from './stream-descriptor.js';

/** The state of one stream: opaque to everyone but the source that wrote it. */
export const StreamState = Type.Object({
  stream_descriptor: StreamDescriptor,
  stream_state: Type.Optional(Type.Unknown()),
});
/** The state of one stream. */
export type StreamState = Static<typeof StreamState>;

/**
 * Where a state stands in the engine's order: `generation` grows on every reset, `sequence`
 * grows on every state the engine forwards, `sync` names the sync that wrote it (absent in
 * states of older versions). The engine stamps it; a destination that keeps state with its
 * data stores it as it came, so the engine can tell which copy is newer, and whose it is.
 */
export const StatePosition = Type.Object({
  generation: Type.Integer({ minimum: 0 }),
  sequence: Type.Integer({ minimum: 0 }),
  sync: Type.Optional(Type.String()),
});
/** Where a state stands in the engine's order. */
export type StatePosition = Static<typeof StatePosition>;

/**
 * A checkpoint. STREAM states cover one stream, GLOBAL ones all streams at once (CDC),
 * LEGACY ones (no `type`, a `data` blob) come from older Airbyte sources and are accepted.
 */
export const StateMessage = Type.Object({
  type: Type.Optional(
    Type.Union([Type.Literal('STREAM'), Type.Literal('GLOBAL'), Type.Literal('LEGACY')]),
  ),
  stream: Type.Optional(StreamState),
  global: Type.Optional(
    Type.Object({
      shared_state: Type.Optional(Type.Unknown()),
      stream_states: Type.Array(StreamState),
    }),
  ),
  data: Type.Optional(Type.Unknown()),
  sourceStats: Type.Optional(Type.Object({ recordCount: Type.Optional(Type.Number()) })),
  destinationStats: Type.Optional(Type.Object({ recordCount: Type.Optional(Type.Number()) })),
  tributary: Type.Optional(StatePosition),
});
/** A checkpoint: per stream, global, or legacy. */
export type StateMessage = Static<typeof StateMessage>;

/** The kind of a state, with the legacy form (no type, a data blob) made explicit. */
export function stateKind(state: StateMessage): 'STREAM' | 'GLOBAL' | 'LEGACY' {
  if (state.type) return state.type;
  if (state.stream) return 'STREAM';
  if (state.global) return 'GLOBAL';
  return 'LEGACY';
}

/** Builds a per-stream state message. */
export function streamState(name: string, value: unknown, namespace?: string): StateMessage {
  const descriptor = namespace === undefined ? { name } : { name, namespace };
  return { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: value } };
}
