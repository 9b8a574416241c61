import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, defineSource, record, streamState } from '@tributary/core';
import { Type } from 'typebox';

// A small real source for the suite's own tests: a ledger kept in memory, read fully or
// incrementally by `updated_at` (ties kept apart by the ids already sent at the last
// cursor). Its checks fail as the config says, fast or slow, so a test can show what the
// acceptance suite demands of a connector. Written for these tests.

/** One row of the ledger. */
export interface Entry {
  id: number;
  amount: string;
  updated_at: number;
}

const ledgers = new Map<string, Entry[]>();

/** The rows of a ledger, created on first use; a test changes them in place. */
export function ledger(name: string): Entry[] {
  let rows = ledgers.get(name);
  if (!rows) {
    rows = [
      { id: 1, amount: '10.50', updated_at: 1 },
      { id: 2, amount: '3.25', updated_at: 2 },
      { id: 3, amount: '4.00', updated_at: 2 },
    ];
    ledgers.set(name, rows);
  }
  return rows;
}

const Config = Type.Object({
  ledger: Type.String({ minLength: 1 }),
  password: Type.Optional(Type.String({ airbyte_secret: true })),
  /** `refuse`: wrong credentials; `unreachable`: no host; `slow`: answers after 3 s. */
  fail: Type.Optional(
    Type.Union([Type.Literal('refuse'), Type.Literal('unreachable'), Type.Literal('slow')]),
  ),
  /** Offer the stream for full refresh only. */
  full_refresh_only: Type.Optional(Type.Boolean()),
});

interface LedgerState {
  cursor: number;
  ids: number[];
}

export const ledgerSource = defineSource({
  name: 'ledger-source',
  version: '0.0.0',
  config: Config,
  async check(config, ctx) {
    if (config.fail === 'refuse') throw new AuthError('the ledger refused the password');
    if (config.fail === 'unreachable') return { status: 'FAILED', message: 'no ledger there' };
    if (config.fail === 'slow') {
      await sleep(3000, undefined, { signal: ctx.signal }).catch(() => {});
      throw new AuthError('the ledger refused the password, slowly');
    }
    return { status: 'SUCCEEDED' };
  },
  async discover(config) {
    const incremental = !config.full_refresh_only;
    return {
      streams: [
        {
          name: 'entries',
          json_schema: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              amount: { type: 'string', format: 'decimal' },
              updated_at: { type: 'integer' },
            },
          },
          supported_sync_modes: incremental ? ['full_refresh', 'incremental'] : ['full_refresh'],
          source_defined_primary_key: [['id']],
          ...(incremental
            ? { source_defined_cursor: true, default_cursor_field: ['updated_at'] }
            : {}),
        },
      ],
    };
  },
  async *read(config, catalog, states) {
    const configured = catalog.streams.find((s) => s.stream.name === 'entries');
    if (!configured) return;
    const rows = [...ledger(config.ledger)].sort((a, b) => a.updated_at - b.updated_at);
    if (configured.sync_mode === 'full_refresh') {
      for (const row of rows) yield record('entries', { ...row }, 1);
      return;
    }
    const saved = states[0]?.stream?.stream_state as LedgerState | undefined;
    let cursor = saved?.cursor ?? Number.NEGATIVE_INFINITY;
    let ids = new Set(saved?.ids ?? []);
    for (const row of rows) {
      if (row.updated_at < cursor || (row.updated_at === cursor && ids.has(row.id))) continue;
      yield record('entries', { ...row }, 1);
      if (row.updated_at > cursor) {
        cursor = row.updated_at;
        ids = new Set();
      }
      ids.add(row.id);
      yield { type: 'STATE', state: streamState('entries', { cursor, ids: [...ids] }) };
    }
  },
});
