import { type ConfiguredCatalog, type StateMessage, stateKind, streamKey } from '@tributary/core';
import { GLOBAL_STATE_KEY, type StoredState } from '../state/store.js';

/** The key a state is kept under: its stream, or the global key. */
export function stateKeyOf(state: StateMessage): string {
  if (stateKind(state) === 'STREAM' && state.stream) {
    return streamKey(state.stream.stream_descriptor);
  }
  return GLOBAL_STATE_KEY;
}

/** The states a run starts from, and the highest sequence seen in either copy. */
export interface StartingStates {
  states: StateMessage[];
  /** Stream keys whose state came from the destination's copy. */
  fromDestination: string[];
  maxSequence: number;
  /**
   * Destination states of these stream keys were stamped by another sync: never adopted,
   * and the caller must not run (the two syncs would keep overwriting each other's state).
   */
  foreign: Array<{ stream: string; sync: string }>;
}

/**
 * Picks each stream's state from the engine's store or the destination's committed copy.
 * The destination commits a state with its data, and the engine stores it only afterwards,
 * so a crash in between leaves the destination's copy newer. It wins when its sequence is
 * higher (sequences grow across runs) and its generation is not older than a reset of that
 * stream: a state from before a reset must never come back. A state stamped by another sync
 * is never taken (it is listed in `foreign`); one without a sync stamp, from an older
 * version, is taken as before.
 */
export function chooseStates(
  engine: StoredState[],
  destination: StateMessage[],
  catalog: ConfiguredCatalog,
  minGeneration: number,
  sync?: string,
): StartingStates {
  const wanted = new Set(catalog.streams.map((s) => streamKey(s.stream)));
  wanted.add(GLOBAL_STATE_KEY);
  const mine = new Map(engine.map((row) => [row.stream, row]));
  const chosen = new Map<string, StateMessage>();
  const fromDestination: string[] = [];
  const foreign: StartingStates['foreign'] = [];
  let maxSequence = 0;

  for (const row of engine) {
    maxSequence = Math.max(maxSequence, row.sequence);
    if (row.state && wanted.has(row.stream)) chosen.set(row.stream, row.state);
  }
  for (const state of destination) {
    const position = state.tributary;
    if (!position) continue;
    const key = stateKeyOf(state);
    const owner = position.sync;
    if (sync !== undefined && owner !== undefined && owner !== sync) {
      if (wanted.has(key)) foreign.push({ stream: key, sync: owner });
      continue;
    }
    maxSequence = Math.max(maxSequence, position.sequence);
    if (!wanted.has(key)) continue;
    const row = mine.get(key);
    const floor = Math.max(minGeneration, row?.generation ?? 0);
    const newer = position.sequence > (row?.state ? row.sequence : -1);
    if (position.generation >= floor && newer) {
      chosen.set(key, state);
      fromDestination.push(key);
    }
  }
  return { states: [...chosen.values()], fromDestination, maxSequence, foreign };
}
