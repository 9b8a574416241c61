import { describe, expect, it } from 'vitest';
import { destination } from '../src/index.js';
import { HOST, PORT, serverConfig, serverUser } from './helpers/pg.js';
import { context } from './helpers/run.js';

const PASSWORD = 'hunter2-very-secret';

describe.skipIf(!serverUser)('destination-postgres: check()', () => {
  it('succeeds against the local server', async () => {
    const status = await destination.check(serverConfig('postgres'), context());
    expect(status.status).toBe('SUCCEEDED');
  });

  it('an unreachable port fails naming host and user, never the password', async () => {
    const config = {
      host: '127.0.0.1',
      port: 1,
      database: 'postgres',
      user: 'loader',
      password: PASSWORD,
    };
    const status = await destination.check(config, context());
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('127.0.0.1:1');
    expect(status.message).toContain("user 'loader'");
    expect(status.message).not.toContain(PASSWORD);
  });

  it('a user the server does not know fails naming it, never the password', async () => {
    const config = {
      host: HOST,
      port: PORT,
      database: 'postgres',
      user: 'no_such_user_x',
      password: PASSWORD,
    };
    const status = await destination.check(config, context());
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain("user 'no_such_user_x'");
    expect(status.message).not.toContain(PASSWORD);
  });
});
