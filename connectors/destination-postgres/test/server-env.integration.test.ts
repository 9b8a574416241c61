import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, HOST, PORT, serverUser, type TestDatabase } from './helpers/pg.js';

const VARIABLES = ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'CI'] as const;
type Variables = Partial<Record<(typeof VARIABLES)[number], string>>;

/** The helpers loaded afresh under `env` (their probe runs again); the real env is restored. */
async function helpersUnder(env: Variables) {
  const saved = VARIABLES.map((k) => [k, process.env[k]] as const);
  for (const k of VARIABLES) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  try {
    vi.resetModules();
    return await import('./helpers/pg.js');
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe.skipIf(!serverUser)('test helpers on the real server', () => {
  const role = `tributary_env_${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await db.client.query(`CREATE ROLE ${role} LOGIN`);
  });
  afterAll(async () => {
    await db?.client.query(`DROP ROLE IF EXISTS ${role}`);
    await db?.drop();
  });

  it('log in as PGUSER with PGPASSWORD, on PGHOST and PGPORT', async () => {
    const helpers = await helpersUnder({
      PGHOST: HOST,
      PGPORT: String(PORT),
      PGUSER: role,
      PGPASSWORD: 'pw-from-env',
    });
    expect(helpers.serverUser).toBe(role);
    expect(helpers.serverConfig('shop')).toEqual({
      host: HOST,
      port: PORT,
      database: 'shop',
      user: role,
      password: 'pw-from-env',
    });
  });

  it('look for the server on PGPORT, and skip with one line when none answers there', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const helpers = await helpersUnder({ PGHOST: HOST, PGPORT: '1' });
      expect(helpers.serverUser).toBeUndefined();
      expect(warn.mock.calls).toEqual([[`skipping PostgreSQL tests: no server at ${HOST}:1`]]);
    } finally {
      warn.mockRestore();
    }
  });
});
