import { describe, expect, it } from 'vitest';
import { ColumnMap, ConfigError, shortenIdentifier } from '../src/index.js';

const postgres = { maxLength: 63, unit: 'bytes', caseInsensitive: false } as const;
const mysql = { maxLength: 64, unit: 'chars', caseInsensitive: true } as const;
const score = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_score';
const comment = 'how_satisfied_were_you_with_the_onboarding_call_in_your_first_week_comment';

describe('ColumnMap (BR-18)', () => {
  it('gives long names that share a prefix distinct, stable names within the limit', () => {
    const map = new ColumnMap(postgres);
    map.assignAll(['id', score, comment]);
    const columns = map.entries().map(([, c]) => c);
    expect(new Set(columns).size).toBe(3);
    for (const c of columns) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(63);
    const again = new ColumnMap(postgres);
    again.assignAll(['id', score, comment]);
    expect(again.entries()).toEqual(map.entries());
    expect(map.columnFor(score)).toMatch(
      /^how_satisfied_were_you_with_the_onboarding_call_in_yo[a-z_]*_[0-9a-f]{8}$/,
    );
  });

  it('keeps names already given, whatever new fields come', () => {
    const map = new ColumnMap(postgres, 'rename', [['Email', 'email_x']]);
    expect(map.columnFor('Email')).toBe('email_x');
  });

  it('shortens multibyte names without splitting a character', () => {
    const name = 'é'.repeat(40);
    const short = shortenIdentifier(name, postgres);
    expect(Buffer.byteLength(short)).toBeLessThanOrEqual(63);
    expect(short).not.toContain('\uFFFD');
    expect(Buffer.from(short, 'utf8').toString('utf8')).toBe(short);
  });

  it('maps Email and email apart where case is ignored', () => {
    const map = new ColumnMap(mysql);
    map.assignAll(['Email', 'email']);
    const [a, b] = [map.columnFor('Email'), map.columnFor('email')];
    expect(a.toLowerCase()).not.toBe(b.toLowerCase());
  });

  it('fails naming both fields under identifier_collision fail', () => {
    const map = new ColumnMap(postgres, 'fail');
    expect(() => map.assignAll(['id', score, comment])).toThrow(ConfigError);
    expect(() => new ColumnMap(postgres, 'fail').assignAll(['id', score, comment])).toThrow(
      new RegExp(`'${score}' and '${comment}'`),
    );
  });
});
