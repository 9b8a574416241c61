import { AuthError } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { connectionError } from '../src/connection.js';
import { destination } from '../src/index.js';

describe('secrets in driver errors', () => {
  it('masks the password wherever a driver message repeats it', () => {
    const config = destination.parseConfig({
      host: 'db.example',
      database: 'shop',
      user: 'loader',
      password: 's3cr3t-pw',
    }) as Parameters<typeof connectionError>[0];
    const error = connectionError(config, {
      code: '28P01',
      message: 'password authentication failed for postgres://loader:s3cr3t-pw@db.example/shop',
    });
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      "cannot use PostgreSQL at db.example:5432, database 'shop', user 'loader': password authentication failed for postgres://loader:**********@db.example/shop",
    );
  });

  it('marks the password as a secret in the spec', () => {
    const props = destination.spec().connectionSpecification.properties as Record<
      string,
      { airbyte_secret?: boolean }
    >;
    expect(props.password?.airbyte_secret).toBe(true);
  });
});
