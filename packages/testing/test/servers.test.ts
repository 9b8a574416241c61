import { describe, expect, it } from 'vitest';
import { mysqlTestServer, postgresTestServer } from '../src/servers.js';

describe('postgresTestServer', () => {
  it('defaults to 127.0.0.1:5432 and the usual trust users', () => {
    expect(postgresTestServer({})).toEqual({
      host: '127.0.0.1',
      port: 5432,
      users: ['postgres', 'root'],
      password: undefined,
    });
  });

  it('takes PGHOST, PGPORT, PGUSER and PGPASSWORD', () => {
    const env = { PGHOST: 'db.test', PGPORT: '6543', PGUSER: 'ci', PGPASSWORD: 'pw' };
    expect(postgresTestServer(env)).toEqual({
      host: 'db.test',
      port: 6543,
      users: ['ci'],
      password: 'pw',
    });
  });
});

describe('mysqlTestServer', () => {
  it('defaults to root without a password on 127.0.0.1:3306', () => {
    expect(mysqlTestServer({})).toEqual({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      password: '',
    });
  });

  it('takes MYSQL_HOST, MYSQL_PORT, MYSQL_USER and MYSQL_PASSWORD', () => {
    const env = {
      MYSQL_HOST: 'db.internal',
      MYSQL_PORT: '3307',
      MYSQL_USER: 'loader',
      MYSQL_PASSWORD: 'pw',
    };
    expect(mysqlTestServer(env)).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'loader',
      password: 'pw',
    });
  });
});
