import { type Catalog, ConfigError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { buildConfiguredCatalog, type StreamConfig } from '../src/index.js';

const discovered: Catalog = {
  streams: ['orders', 'customers'].map((name) => ({
    name,
    json_schema: {
      type: 'object',
      properties: { id: { type: 'integer' }, updated_at: { type: 'string' } },
    },
    supported_sync_modes: ['full_refresh', 'incremental'],
  })),
};

function issues(streams: StreamConfig[]): readonly string[] {
  try {
    buildConfiguredCatalog(discovered, streams, { syncId: 1, generationId: 0 }, 'syncs[0]');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
}

describe('buildConfiguredCatalog refuses what would lose or mix data', () => {
  it('accepts a sound configuration', () => {
    expect(
      issues([
        { name: 'orders', sync_mode: 'incremental', cursor_field: 'updated_at', primary_key: 'id' },
        { name: 'customers', destination_sync_mode: 'overwrite' },
      ]),
    ).toEqual([]);
  });

  it('refuses overwrite with an incremental read', () => {
    expect(
      issues([
        {
          name: 'orders',
          sync_mode: 'incremental',
          cursor_field: 'updated_at',
          destination_sync_mode: 'overwrite',
        },
      ]),
    ).toEqual([
      'syncs[0].streams[0].destination_sync_mode: overwrite with an incremental read would ' +
        'replace the table with only the records new since the last run; use append or append_dedup',
    ]);
  });

  it('names a cursor or key field the stream does not have', () => {
    expect(
      issues([
        { name: 'orders', sync_mode: 'incremental', cursor_field: 'nosuch', primary_key: 'idd' },
      ]),
    ).toEqual([
      "syncs[0].streams[0].cursor_field: stream 'orders' has no field 'nosuch' (it has id, updated_at)",
      "syncs[0].streams[0].primary_key: stream 'orders' has no field 'idd' (it has id, updated_at)",
    ]);
  });

  it('refuses a stream configured twice, two streams in one table, and reserved tables', () => {
    expect(
      issues([
        { name: 'orders' },
        { name: 'orders', destination_sync_mode: 'overwrite' },
        { name: 'customers', destination_table: 'Orders' },
      ]),
    ).toEqual([
      "syncs[0].streams[1].name: stream 'orders' is configured twice (also syncs[0].streams[0])",
      "syncs[0].streams[2].destination_table: table 'Orders' is also the table of syncs[0].streams[0]",
    ]);
    expect(issues([{ name: 'orders', destination_table: '_tributary_state' }])).toEqual([
      "syncs[0].streams[0].destination_table: table names starting with '_tributary_' are reserved",
    ]);
  });
});
