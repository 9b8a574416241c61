import { DestinationError, SchemaError, schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, records, runWrite, stream } from './helpers/run.js';

describe.skipIf(!serverUser)('destination-postgres: schema evolution (BR-06, BR-07, BR-20)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  const typeOf = async (table: string, column: string) =>
    (
      await db.client.query(
        `SELECT data_type FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`,
        [table, column],
      )
    ).rows[0]?.data_type;

  const tickets = (name: string, policy: 'evolve' | 'freeze') =>
    catalogOf(
      stream(
        name,
        { id: schemaFor('integer'), title: schemaFor('integer') },
        { primary_key: [['id']], schema_policy: policy },
      ),
    );

  it('BR-06 evolve: integer title widens to text, old values converted', async () => {
    const catalog = tickets('tickets', 'evolve');
    const run1 = await runWrite(
      db.config,
      catalog,
      records('tickets', [
        { id: 1, title: 101 },
        { id: 2, title: null },
      ]),
    );
    expect(run1.error).toBeUndefined();
    expect(await typeOf('tickets', 'title')).toBe('bigint');
    const run2 = await runWrite(
      db.config,
      catalog,
      records('tickets', [
        { id: 3, title: 'Quarterly plan' },
        { id: 4, title: null },
      ]),
    );
    expect(run2.error).toBeUndefined();
    expect(run2.out.map((m) => m.type === 'TRACE' && m.trace.schema_change)).toEqual([
      {
        stream_descriptor: { name: 'tickets' },
        change: 'column_widened',
        field: 'title',
        column: 'title',
        from_type: 'integer',
        to_type: 'string',
      },
    ]);
    expect(await typeOf('tickets', 'title')).toBe('text');
    const rows = await db.client.query('SELECT id::int, title FROM tickets ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, title: '101' },
      { id: 2, title: null },
      { id: 3, title: 'Quarterly plan' },
      { id: 4, title: null },
    ]);
  });

  it('BR-06 freeze: run 2 fails before any row, naming stream, column, types, key, value', async () => {
    const catalog = tickets('tickets_frozen', 'freeze');
    await runWrite(
      db.config,
      catalog,
      records('tickets_frozen', [
        { id: 1, title: 101 },
        { id: 2, title: null },
      ]),
    );
    const run2 = await runWrite(
      db.config,
      catalog,
      records('tickets_frozen', [
        { id: 3, title: 'Quarterly plan' },
        { id: 4, title: null },
      ]),
    );
    const error = run2.error as SchemaError;
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toBe(
      `stream 'tickets_frozen': column 'title' holds integer, incoming type string; record id=3 brings value "Quarterly plan" (schema_policy: freeze)`,
    );
    expect(error.context).toMatchObject({
      stream: 'tickets_frozen',
      column: 'title',
      recordKey: 'id=3',
    });
    const rows = await db.client.query('SELECT id::int FROM tickets_frozen ORDER BY id');
    expect(rows.rows).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await typeOf('tickets_frozen', 'title')).toBe('bigint');
  });

  it('BR-20: a new column tier is added and no value is dropped', async () => {
    const fields = {
      id: schemaFor('integer'),
      name: schemaFor('string'),
      updated_at: schemaFor('timestamp_tz'),
    };
    const options = {
      primary_key: [['id']],
      cursor_field: ['updated_at'],
      destination_sync_mode: 'append_dedup' as const,
    };
    await runWrite(
      db.config,
      catalogOf(stream('accounts', fields, options)),
      records('accounts', [{ id: 1, name: 'Acme', updated_at: '2024-04-01T10:00:00Z' }]),
    );
    const withTier = catalogOf(
      stream('accounts', { ...fields, tier: schemaFor('string') }, options),
    );
    const run2 = await runWrite(
      db.config,
      withTier,
      records('accounts', [
        { id: 2, name: 'Birch', updated_at: '2024-04-02T09:00:00Z', tier: 'gold' },
        { id: 1, name: 'Acme', updated_at: '2024-04-02T10:00:00Z', tier: 'silver' },
      ]),
    );
    expect(run2.error).toBeUndefined();
    expect(run2.out.map((m) => m.type === 'TRACE' && m.trace.schema_change)).toEqual([
      {
        stream_descriptor: { name: 'accounts' },
        change: 'column_added',
        field: 'tier',
        column: 'tier',
        to_type: 'string',
      },
    ]);
    const column = await db.client.query(
      `SELECT data_type, is_nullable FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'tier'`,
    );
    expect(column.rows).toEqual([{ data_type: 'text', is_nullable: 'YES' }]);
    const rows = await db.client.query('SELECT id::int, name, tier FROM accounts ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, name: 'Acme', tier: 'silver' },
      { id: 2, name: 'Birch', tier: 'gold' },
    ]);
  });

  it('BR-20 JSONL variant: tier first appears on record 2, mid-stream', async () => {
    const catalog = catalogOf(
      stream('accounts_jsonl', { id: schemaFor('integer'), name: schemaFor('string') }),
    );
    const run = await runWrite(
      db.config,
      catalog,
      records('accounts_jsonl', [
        { id: 1, name: 'A' },
        { id: 2, name: 'B', tier: 'gold' },
      ]),
    );
    expect(run.error).toBeUndefined();
    const rows = await db.client.query(
      'SELECT id::int, name, tier FROM accounts_jsonl ORDER BY id',
    );
    expect(rows.rows).toEqual([
      { id: 1, name: 'A', tier: null },
      { id: 2, name: 'B', tier: 'gold' },
    ]);
    const trace = run.out.find((m) => m.type === 'TRACE');
    expect(trace?.type === 'TRACE' && trace.trace.schema_change).toMatchObject({
      stream_descriptor: { name: 'accounts_jsonl' },
      column: 'tier',
    });
  });

  it('a statement PostgreSQL refuses is told as such, not as a connection failure', async () => {
    // A view already holds the table's name: CREATE TABLE is refused on a working connection.
    await db.client.query('CREATE VIEW taken_name AS SELECT 1 AS id');
    const run = await runWrite(
      db.config,
      catalogOf(stream('taken_name', { id: schemaFor('integer') })),
      records('taken_name', [{ id: 1 }]),
    );
    const error = run.error as DestinationError;
    expect(error).toBeInstanceOf(DestinationError);
    expect(error.message).toBe(
      `writing to PostgreSQL at ${db.config.host}:${db.config.port}, database '${db.name}', user '${db.config.user}' failed: relation "taken_name" already exists (SQLSTATE 42P07)`,
    );
    expect(error.context).toEqual({ sqlState: '42P07' });
  });

  it('BR-07 JSON-column mode: pets.vaccinations is jsonb and deep-equals the input', async () => {
    const vaccinations = [
      { kind: 'rabies', given: { on: '2024-02-10', by: 'Dr. Vale' } },
      { kind: 'fvrcp', given: { on: '2024-03-01', by: 'Dr. Ito' } },
    ];
    const catalog = catalogOf(
      stream(
        'pets',
        { id: schemaFor('integer'), name: schemaFor('string'), vaccinations: schemaFor('array') },
        { primary_key: [['id']] },
      ),
    );
    const run = await runWrite(
      db.config,
      catalog,
      records('pets', [{ id: 7, name: 'Mochi', vaccinations }]),
    );
    expect(run.error).toBeUndefined();
    expect(await typeOf('pets', 'vaccinations')).toBe('jsonb');
    const rows = await db.client.query('SELECT id::int, name, vaccinations FROM pets');
    expect(rows.rows).toEqual([{ id: 7, name: 'Mochi', vaccinations }]);
  });
});
