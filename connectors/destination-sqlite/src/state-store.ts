import { STATE_TABLE, type StateMessage, stateKind, streamKey } from '@tributary/core';
import type { Db } from './database.js';
import { quoteId } from './sql.js';

/** The key under which a GLOBAL (or LEGACY) state is kept: it covers every stream. */
export const GLOBAL_STATE_KEY = '__global__';

/** The `_tributary_state` key of a state: its stream's key, or `__global__`. */
export function stateKeyOf(state: StateMessage): string {
  if (stateKind(state) === 'STREAM' && state.stream)
    return streamKey(state.stream.stream_descriptor);
  return GLOBAL_STATE_KEY;
}

/** Keeps a state as the last one of its stream; call inside the transaction of its data. */
export function saveState(db: Db, state: StateMessage): void {
  db.prepare(
    `INSERT INTO ${quoteId(STATE_TABLE)} (stream_key, state, generation, sequence, committed_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (stream_key) DO UPDATE SET state = excluded.state,
       generation = excluded.generation, sequence = excluded.sequence,
       committed_at = excluded.committed_at`,
  ).run(
    stateKeyOf(state),
    JSON.stringify(state),
    state.tributary?.generation ?? null,
    state.tributary?.sequence ?? null,
    new Date().toISOString(),
  );
}

/** Every state kept, as it came, ordered by key. */
export function loadStates(db: Db): StateMessage[] {
  const rows = db
    .prepare(`SELECT state FROM ${quoteId(STATE_TABLE)} ORDER BY stream_key`)
    .all() as Array<{ state: string }>;
  return rows.map((row) => JSON.parse(row.state) as StateMessage);
}

/**
 * Forgets the states of these stream keys, and the global state with them (it covers those
 * streams too, and would undo their reset); every state when `keys` is empty.
 */
export function deleteStates(db: Db, keys: readonly string[]): void {
  const table = quoteId(STATE_TABLE);
  if (keys.length === 0) {
    db.prepare(`DELETE FROM ${table}`).run();
    return;
  }
  const remove = db.prepare(`DELETE FROM ${table} WHERE stream_key = ?`);
  db.transaction(() => {
    for (const key of [...keys, GLOBAL_STATE_KEY]) remove.run(key);
  }).immediate();
}
