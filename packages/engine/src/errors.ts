import { TributaryError } from '@tributary/core';

/**
 * Another run of the same sync holds the lock. Transient: it goes away when that run ends,
 * so a scheduler may try again later; two runs at once would interleave their states.
 */
export class SyncLockedError extends TributaryError {
  constructor(sync: string, holder: string) {
    super('transient', `sync '${sync}' is already running (${holder})`, { sync });
    this.name = 'SyncLockedError';
  }
}
