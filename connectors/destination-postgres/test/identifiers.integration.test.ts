import { ConfigError, schemaFor } from '@tributary/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, serverUser, type TestDatabase } from './helpers/pg.js';
import { catalogOf, records, runWrite, stream } from './helpers/run.js';

const SCORE = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_score';
const COMMENT = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_comment';
const ACCENTS = 'é'.repeat(40);

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
