import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  collectSecrets,
  parseConfig,
  publishedConfigSchema,
  redactConfig,
  redactText,
  schemaIssues,
} from '../src/index.js';

const Schema = Type.Object({
  host: Type.String(),
  port: Type.Integer({ default: 5432 }),
  password: Type.String({ airbyte_secret: true }),
  streams: Type.Array(
    Type.Object({
      name: Type.String(),
      token: Type.Optional(Type.String({ airbyte_secret: true })),
    }),
  ),
});

describe('parseConfig', () => {
  it('fills defaults and returns the typed config', () => {
    const config = parseConfig(Schema, { host: 'db', password: 'pw', streams: [] });
    expect(config.port).toBe(5432);
  });

  it('names every bad field by path and never echoes a value', () => {
    let error: unknown;
    try {
      parseConfig(Schema, {
        host: 42,
        port: 'x',
        password: 's3cr3t-value',
        streams: [{ name: 7 }],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues;
    expect(issues).toContain('config.host: expected string');
    expect(issues).toContain('config.port: expected integer');
    expect(issues).toContain('config.streams[0].name: expected string');
    expect((error as ConfigError).code).toBe('config');
    expect((error as Error).message).not.toContain('s3cr3t-value');
  });

  it('names a missing required field', () => {
    expect(() => parseConfig(Schema, { host: 'h', streams: [] })).toThrow(
      "config: missing required field 'password'",
    );
  });
});

describe('secrets', () => {
  const config = {
    host: 'h',
    port: 1,
    password: 'hunter22',
    streams: [{ name: 'a', token: 'tok-123' }],
  };

  it('collects every secret-marked value, nested ones too', () => {
    expect(collectSecrets(Schema, config).sort()).toEqual(['hunter22', 'tok-123']);
  });

  it('masks secrets in a copy and in text', () => {
    const masked = redactConfig(Schema, config);
    expect(masked.password).toBe('**********');
    expect(masked.streams[0]?.token).toBe('**********');
    expect(config.password).toBe('hunter22');
    expect(redactText('auth failed for hunter22 at h', ['hunter22'])).toBe(
      'auth failed for ********** at h',
    );
  });
});

describe('publishedConfigSchema', () => {
  it('lists a field with a default as optional, nested ones too, and leaves the rest', () => {
    const Nested = Type.Object({
      name: Type.String(),
      streams: Type.Array(
        Type.Object({ path: Type.String(), header: Type.Boolean({ default: true }) }),
      ),
      only: Type.Object({ mode: Type.String({ default: 'a' }) }),
      port: Type.Integer({ default: 5432 }),
    });
    const published = publishedConfigSchema(Nested) as {
      required: string[];
      properties: {
        streams: { items: { required: string[] } };
        only: { required?: string[] };
        port: { default: number };
      };
    };
    expect(published.required).toEqual(['name', 'streams', 'only']);
    expect(published.properties.streams.items.required).toEqual(['path']);
    expect(published.properties.only.required).toBeUndefined();
    expect(published.properties.port.default).toBe(5432);
    expect(Nested.required).toEqual(['name', 'streams', 'only', 'port']);
  });
});

describe('unknown fields', () => {
  it('are named once, by the parent that forbids them', () => {
    const Closed = Type.Object({ a: Type.String() }, { additionalProperties: false });
    let error: unknown;
    try {
      parseConfig(Closed, { a: 'x', zz: 1 });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).issues).toEqual(["config: unknown field 'zz'"]);
  });
});

describe('every bad field, with the allowed values', () => {
  const Wide = Type.Object({
    password: Type.String({ airbyte_secret: true }),
    identifier_collision: Type.Union([Type.Literal('rename'), Type.Literal('fail')]),
    delimiter: Type.Union([Type.Literal(','), Type.Literal('\t')]),
    level: Type.Enum(['low', 'high']),
    fields: Type.Array(Type.String(), { minItems: 1 }),
    columns: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer() })),
  });

  it('lists each of more than 8 bad fields and names the choices', () => {
    let error: unknown;
    try {
      parseConfig(Wide, {
        password: 'hunter22-secret',
        identifier_collision: 'hunter22-secret',
        delimiter: ';',
        level: 'mid',
        fields: [],
        columns: [
          { name: 1, size: 'a' },
          { name: 2, size: 'b' },
          { name: 3, size: 'c' },
          { name: 4, size: 'd' },
        ],
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      'config.identifier_collision: must be one of rename, fail',
      'config.delimiter: must be one of ",", "\\t"',
      'config.level: must be one of low, high',
      'config.fields: must not be empty',
      'config.columns[0].name: expected string',
      'config.columns[0].size: expected integer',
      'config.columns[1].name: expected string',
      'config.columns[1].size: expected integer',
      'config.columns[2].name: expected string',
      'config.columns[2].size: expected integer',
      'config.columns[3].name: expected string',
      'config.columns[3].size: expected integer',
    ]);
    expect((error as Error).message).not.toContain('hunter22');
  });

  it('names the issue inside the branch of a union the value was meant for', () => {
    const Auth = Type.Object({
      auth: Type.Union([
        Type.Object({ kind: Type.Literal('token'), token: Type.String({ airbyte_secret: true }) }),
        Type.Object({ kind: Type.Literal('basic'), user: Type.String() }),
      ]),
    });
    expect(() => parseConfig(Auth, { auth: 5 })).toThrow('config.auth: expected object');
    let error: unknown;
    try {
      parseConfig(Auth, { auth: { kind: 'token', token: 7 } });
    } catch (e) {
      error = e;
    }
    expect((error as ConfigError).issues).toEqual(['config.auth.token: expected string']);
  });
});

describe('schemaIssues', () => {
  it('starts paths at the first field without a root, and calls the value itself (top)', () => {
    const Top = Type.Object({ syncs: Type.Array(Type.Object({ name: Type.String() })) });
    expect(schemaIssues(Top, { syncs: [{ name: 1 }] })).toEqual(['syncs[0].name: expected string']);
    expect(schemaIssues(Top, 3)).toEqual(['(top): expected object']);
    expect(schemaIssues(Top, { syncs: [] })).toEqual([]);
  });
});
