import { isDeepStrictEqual } from 'node:util';
import { streamKey } from '@tributary/core';
import type { ConnectorRef, SyncConfig } from '../config/schema.js';
import { GLOBAL_STATE_KEY } from '../state/store.js';

/**
 * A destination keeps one state per stream key (`namespace.name`), whoever wrote it. Two
 * syncs writing a stream of the same key into one destination would each resume from the
 * other's cursor: the second one reads nothing new and reports success (silent data loss).
 * These name the collision, the same way wherever it is found.
 */

/** A destination as the user named it: its package, or its command line. */
export function destinationName(ref: ConnectorRef): string {
  return ref.package ?? ref.command?.join(' ') ?? 'destination';
}

/** Why two syncs may not share a stream key in one destination, and how to avoid it. */
export function sharedStateMessage(
  destination: string,
  stream: string,
  syncs: readonly [string, string],
): string {
  const what = stream === GLOBAL_STATE_KEY ? 'a global state' : `stream '${stream}'`;
  return (
    `syncs '${syncs[0]}' and '${syncs[1]}' both write ${what} into destination ` +
    `'${destination}': two syncs writing a stream of the same name into one destination ` +
    "would overwrite each other's state; give one of them a distinct stream name or " +
    'namespace, or another destination (another database or database file)'
  );
}

/**
 * The issues of a config file whose syncs share a destination (same package or command,
 * same config) and a stream key: one per later stream, at its path.
 */
export function sharedStateIssues(syncs: readonly SyncConfig[]): string[] {
  const issues: string[] = [];
  syncs.forEach((sync, i) => {
    for (let j = 0; j < i; j++) {
      const earlier = syncs[j];
      if (!earlier || !sameDestination(earlier.destination, sync.destination)) continue;
      const taken = new Set(earlier.streams.map((s) => streamKey(s)));
      sync.streams.forEach((stream, k) => {
        const key = streamKey(stream);
        if (!taken.has(key)) return;
        const message = sharedStateMessage(destinationName(sync.destination), key, [
          earlier.name,
          sync.name,
        ]);
        issues.push(`syncs[${i}].streams[${k}].name: ${message}`);
      });
    }
  });
  return issues;
}

function sameDestination(a: ConnectorRef, b: ConnectorRef): boolean {
  return (
    a.package === b.package &&
    isDeepStrictEqual(a.command, b.command) &&
    isDeepStrictEqual(a.config ?? {}, b.config ?? {})
  );
}
