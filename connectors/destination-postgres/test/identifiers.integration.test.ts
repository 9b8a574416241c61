import { ConfigError, type Message, schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, records, runWrite, stream } from './helpers/run.js';

const SCORE = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_score';
const COMMENT = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_comment';
const ACCENTS = 'é'.repeat(40);
/** 72 characters: cut to 55 and a hash of the whole name. */
const RECOMMEND = 'how_likely_are_you_to_recommend_our_onboarding_team_to_a_colleague_score';
const RECOMMEND_COLUMN = 'how_likely_are_you_to_recommend_our_onboarding_team_to_d4a4eebf';

const survey = (name: string) =>
  catalogOf(
    stream(name, {
      id: schemaFor('integer'),
      [SCORE]: schemaFor('integer'),
      [COMMENT]: schemaFor('string'),
      [ACCENTS]: schemaFor('string'),
    }),
  );

describe.skipIf(!serverUser)('destination-postgres: BR-18 names over 63 bytes', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    // Counts every DDL command, so a second run can be shown to issue no ALTER TABLE.
    await db.client.query(
      'CREATE TABLE ddl_log (tag text, at timestamptz DEFAULT clock_timestamp())',
    );
    await db.client.query(`CREATE FUNCTION log_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO public.ddl_log (tag) VALUES (tg_tag); END $$`);
    await db.client.query(
      'CREATE EVENT TRIGGER log_ddl ON ddl_command_end EXECUTE FUNCTION log_ddl()',
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  const columnsOf = async (table: string) =>
    (
      await db.client.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).rows.map((r) => r.column_name as string);

  it('gives distinct, stable names of at most 63 bytes, records them, and alters nothing on rerun', async () => {
    const row = { id: 1, [SCORE]: 4, [COMMENT]: 'quick and clear', [ACCENTS]: 'accents' };
    const run1 = await runWrite(db.config, survey('survey'), records('survey', [row]));
    expect(run1.error).toBeUndefined();
    const columns = (await columnsOf('survey')).filter((c) => !c.startsWith('_tributary_'));
    expect(columns).toHaveLength(4);
    expect(new Set(columns).size).toBe(4);
    for (const c of columns) expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(63);
    const map = await db.client.query(
      `SELECT field, column_name FROM _tributary_columns WHERE table_name = 'survey' ORDER BY position`,
    );
    expect(map.rows.map((r) => r.field)).toEqual(['id', SCORE, COMMENT, ACCENTS]);
    expect(map.rows.map((r) => r.column_name)).toEqual(columns);
    const [, score, comment, accents] = columns as [string, string, string, string];
    expect(score.startsWith('how_satisfied_were_you_with_the_onboarding_call_in_you')).toBe(true);
    expect(score).toMatch(/_[0-9a-f]{8}$/);
    // 40 × 'é': cut on a character boundary, so the name is valid UTF-8 that reads back equal.
    expect(accents).toMatch(/^é+_[0-9a-f]{8}$/);
    expect(Buffer.from(accents, 'utf8').toString('utf8')).toBe(accents);
    const values = await db.client.query(
      `SELECT "${score}"::int AS s, "${comment}" AS c, "${accents}" AS a FROM survey`,
    );
    expect(values.rows).toEqual([{ s: 4, c: 'quick and clear', a: 'accents' }]);

    // The event trigger sees this destination's DDL: run 1 created the table.
    const logged = await db.client.query(`SELECT tag FROM ddl_log WHERE tag = 'CREATE TABLE'`);
    expect(logged.rows.length).toBeGreaterThan(0);
    await db.client.query('TRUNCATE ddl_log');
    const run2 = await runWrite(
      db.config,
      survey('survey'),
      records('survey', [{ ...row, id: 2 }]),
    );
    expect(run2.error).toBeUndefined();
    expect(await columnsOf('survey')).toEqual([
      ...columns,
      '_tributary_extracted_at',
      '_tributary_sync_id',
      '_tributary_deleted_at',
    ]);
    const ddl = await db.client.query(
      `SELECT tag FROM ddl_log WHERE tag <> 'CREATE TABLE' OR tag IS NULL`,
    );
    expect(ddl.rows.filter((r) => r.tag === 'ALTER TABLE')).toEqual([]);
    expect(ddl.rows.filter((r) => r.tag === 'CREATE TABLE' || r.tag === 'CREATE INDEX')).toEqual(
      [],
    );
  });

  const altered = async () =>
    (await db.client.query(`SELECT tag FROM ddl_log WHERE tag = 'ALTER TABLE'`)).rows;

  it('records columns added mid-run: a second identical run alters nothing, same names', async () => {
    const catalog = catalogOf(stream('acc', { id: schemaFor('integer') }));
    const row = { id: 1, tier: 'gold', [RECOMMEND]: 9 };
    const mapOf = async () =>
      (
        await db.client.query(
          `SELECT field, column_name, position FROM _tributary_columns
           WHERE table_name = 'acc' ORDER BY position`,
        )
      ).rows;
    const changesOf = (out: Message[]) =>
      out.flatMap((m) =>
        m.type === 'TRACE' && m.trace.schema_change ? [m.trace.schema_change] : [],
      );

    await db.client.query('TRUNCATE ddl_log');
    const run1 = await runWrite(db.config, catalog, records('acc', [row]));
    expect(run1.error).toBeUndefined();
    expect(await altered()).toEqual([{ tag: 'ALTER TABLE' }, { tag: 'ALTER TABLE' }]);
    expect(changesOf(run1.out).map((c) => [c.field, c.column, c.to_type])).toEqual([
      ['tier', 'tier', 'string'],
      [RECOMMEND, RECOMMEND_COLUMN, 'integer'],
    ]);
    const expectedMap = [
      { field: 'id', column_name: 'id', position: 0 },
      { field: 'tier', column_name: 'tier', position: 1 },
      { field: RECOMMEND, column_name: RECOMMEND_COLUMN, position: 2 },
    ];
    expect(await mapOf()).toEqual(expectedMap);

    await db.client.query('TRUNCATE ddl_log');
    const run2 = await runWrite(db.config, catalog, records('acc', [{ ...row, id: 2 }]));
    expect(run2.error).toBeUndefined();
    expect(changesOf(run2.out)).toEqual([]);
    expect(await altered()).toEqual([]);
    expect(await mapOf()).toEqual(expectedMap);
    const rows = await db.client.query(
      `SELECT id::int, tier, "${RECOMMEND_COLUMN}"::int AS score FROM acc ORDER BY id`,
    );
    expect(rows.rows).toEqual([
      { id: 1, tier: 'gold', score: 9 },
      { id: 2, tier: 'gold', score: 9 },
    ]);
  });

  it('takes over a column the map lost instead of adding it again', async () => {
    const catalog = catalogOf(
      stream(
        'acc_orphan',
        { id: schemaFor('integer') },
        { primary_key: [['id']], destination_sync_mode: 'append_dedup' },
      ),
    );
    const run1 = await runWrite(
      db.config,
      catalog,
      records('acc_orphan', [{ id: 1, tier: 'gold' }]),
    );
    expect(run1.error).toBeUndefined();
    // What a run before the map kept mid-run columns left behind: the column, no entry.
    await db.client.query(
      `DELETE FROM _tributary_columns WHERE table_name = 'acc_orphan' AND field = 'tier'`,
    );
    await db.client.query('TRUNCATE ddl_log');
    const run2 = await runWrite(
      db.config,
      catalog,
      records('acc_orphan', [{ id: 2, tier: 'silver' }]),
    );
    expect(run2.error).toBeUndefined();
    expect(await altered()).toEqual([]);
    const map = await db.client.query(
      `SELECT field, column_name FROM _tributary_columns WHERE table_name = 'acc_orphan' ORDER BY position`,
    );
    expect(map.rows).toEqual([
      { field: 'id', column_name: 'id' },
      { field: 'tier', column_name: 'tier' },
    ]);
    const rows = await db.client.query('SELECT id::int, tier FROM acc_orphan ORDER BY id');
    expect(rows.rows).toEqual([
      { id: 1, tier: 'gold' },
      { id: 2, tier: 'silver' },
    ]);
  });

  it('identifier_collision fail names both fields and creates no table', async () => {
    const config = { ...db.config, identifier_collision: 'fail' };
    const run = await runWrite(config, survey('survey_strict'), records('survey_strict', []));
    expect(run.error).toBeInstanceOf(ConfigError);
    const message = (run.error as Error).message;
    expect(message).toContain(`'${SCORE}'`);
    expect(message).toContain(`'${COMMENT}'`);
    expect(await columnsOf('survey_strict')).toEqual([]);
  });
});
