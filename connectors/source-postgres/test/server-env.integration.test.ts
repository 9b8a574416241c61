import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, dropDatabase, HOST, PORT, serverOrSkip, sql } from './helpers.js';

const user = await serverOrSkip('server-env.integration.test.ts');

const VARIABLES = ['PGHOST', 'PGPORT', 'PGUSER', 'PGPASSWORD', 'CI'] as const;
type Variables = Partial<Record<(typeof VARIABLES)[number], string>>;

/** Runs `use` on the helpers loaded afresh under `env`; the real environment is restored after. */
async function underEnv<T>(
  env: Variables,
  use: (helpers: typeof import('./helpers.js')) => Promise<T>,
): Promise<T> {
  const saved = VARIABLES.map((k) => [k, process.env[k]] as const);
  for (const k of VARIABLES) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  try {
    vi.resetModules();
    return await use(await import('./helpers.js'));
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe.skipIf(!user)('test helpers on the real server', () => {
  let db = '';
  const role = `tributary_env_${Math.random().toString(16).slice(2, 10)}`;
  beforeAll(async () => {
    db = await createDatabase(user as string);
    await sql(user as string, db, `CREATE ROLE ${role} LOGIN`);
  });
  afterAll(async () => {
    if (!db) return;
    await sql(user as string, db, `DROP ROLE IF EXISTS ${role}`);
    await dropDatabase(user as string, db);
  });

  it('log in as PGUSER with PGPASSWORD, on PGHOST and PGPORT', async () => {
    const env = { PGHOST: HOST, PGPORT: String(PORT), PGUSER: role, PGPASSWORD: 'pw-from-env' };
    const [probed, config] = await underEnv(env, async (helpers) => [
      await helpers.probeServer(),
      helpers.configFor(role, 'shop'),
    ]);
    expect(probed).toBe(role);
    expect(config).toEqual({
      host: HOST,
      port: PORT,
      user: role,
      database: 'shop',
      password: 'pw-from-env',
    });
  });

  it('look for the server on PGPORT, and skip with one line when none answers there', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const probed = await underEnv({ PGHOST: HOST, PGPORT: '1' }, (helpers) =>
        helpers.serverOrSkip('x.test.ts'),
      );
      expect(probed).toBeUndefined();
      expect(warn.mock.calls).toEqual([
        [`x.test.ts: skipped, PostgreSQL at ${HOST}:1 is unreachable`],
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
