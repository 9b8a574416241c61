import { AuthError, TransientError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { toSourceError } from '../src/connection.js';

const config = {
  host: 'db.internal',
  port: 5432,
  database: 'shop',
  user: 'alice',
  password: 'hunter2-long',
  schemas: ['public'],
  checkpoint_interval: 10,
  fetch_size: 10,
};

describe('toSourceError', () => {
  it('redacts the password from a driver message and names host, user and database', () => {
    const driverError = Object.assign(new Error('bad login hunter2-long for alice'), {
      code: '28P01',
    });
    const error = toSourceError(driverError, config, 'cannot connect to');
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      "cannot connect to PostgreSQL at db.internal:5432 as user 'alice' (database 'shop'): " +
        'bad login ********** for alice',
    );
    expect(error.context).toEqual({ host: 'db.internal', user: 'alice', database: 'shop' });
  });

  it('classifies a refused connection as transient', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(toSourceError(refused, config, 'cannot connect to')).toBeInstanceOf(TransientError);
  });
});
