import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';
import { ConfigError } from './errors.js';
import { schemaIssues } from './schema-issues.js';

/** The marker on a config field that holds a secret, as the Airbyte protocol spells it. */
export const SECRET_MARK = 'airbyte_secret';
const MASK = '**********';

/**
 * Validates a connector config against its schema, defaults filled in. Every bad field is
 * named by its path (`config.streams[0].path: expected string`, `config.mode: must be one
 * of a, b`); values are never echoed, so a secret typed into the wrong field is not printed.
 */
export function parseConfig<S extends TSchema>(
  schema: S,
  raw: unknown,
  label = 'config',
): Static<S> {
  const withDefaults = Value.Default(schema, Value.Clone(raw ?? {}));
  if (Compile(schema).Check(withDefaults)) return withDefaults as Static<S>;
  throw new ConfigError(`invalid ${label}:`, schemaIssues(schema, withDefaults, label));
}

/** Every secret value in a config, found by the schema's secret marks (nested too). */
export function collectSecrets(schema: unknown, config: unknown): string[] {
  const secrets: string[] = [];
  walk(schema, config, (value) => {
    if (typeof value === 'string' && value.length > 0) secrets.push(value);
  });
  return secrets;
}

/** A copy of a config with every secret value masked, safe to log or store. */
export function redactConfig<T>(schema: unknown, config: T): T {
  const copy = structuredClone(config);
  walk(schema, copy, (_value, holder, key) => {
    if (holder && key !== undefined) (holder as Record<string | number, unknown>)[key] = MASK;
  });
  return copy;
}

/** Replaces every occurrence of a secret in a text by a mask. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join(MASK);
  return out;
}

type Visit = (value: unknown, holder: unknown, key: string | number | undefined) => void;

function walk(
  schema: unknown,
  value: unknown,
  visit: Visit,
  holder?: unknown,
  key?: string | number,
): void {
  if (!schema || typeof schema !== 'object' || value === undefined || value === null) return;
  const s = schema as Record<string, unknown>;
  if (s[SECRET_MARK] === true) {
    visit(value, holder, key);
    return;
  }
  for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = s[branch];
    if (Array.isArray(options))
      for (const option of options) walk(option, value, visit, holder, key);
  }
  if (s.properties && typeof value === 'object' && !Array.isArray(value)) {
    for (const [name, sub] of Object.entries(s.properties as Record<string, unknown>)) {
      walk(sub, (value as Record<string, unknown>)[name], visit, value, name);
    }
  }
  if (s.items && Array.isArray(value)) {
    value.forEach((item, index) => {
      walk(s.items, item, visit, value, index);
    });
  }
  if (
    s.additionalProperties &&
    typeof s.additionalProperties === 'object' &&
    typeof value === 'object'
  ) {
    const known = new Set(Object.keys((s.properties as object | undefined) ?? {}));
    for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
      if (!known.has(name)) walk(s.additionalProperties, item, visit, value, name);
    }
  }
}

/**
 * The config schema as a connector's spec publishes it: plain JSON, and a field that has a
 * default is not listed as required, since a config that leaves it out is valid (the
 * default is filled in before validation). Hosts that validate against the spec, as
 * Airbyte's do, would otherwise refuse configs that rely on defaults.
 */
export function publishedConfigSchema(schema: TSchema): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
  relaxDefaulted(copy);
  return copy;
}

function relaxDefaulted(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) relaxDefaulted(item);
    return;
  }
  const s = node as Record<string, unknown>;
  const properties = s.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties && Array.isArray(s.required)) {
    const required = (s.required as string[]).filter(
      (name) => !('default' in (properties[name] ?? {})),
    );
    if (required.length > 0) s.required = required;
    else delete s.required;
  }
  for (const value of Object.values(s)) relaxDefaulted(value);
}
