import { fieldsOf, SECRET_MARK, valueFits } from '@tributary/core';
import { Compile } from 'typebox/compile';

type JsonSchema = Record<string, unknown>;

const JSON_TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

/** Field names that hold a credential and so must carry `airbyte_secret: true`. */
export const SECRET_NAME = /pass(word)?|secret|token|api_?key|private_?key|access_?key|credential/i;

/**
 * Problems of a JSON Schema as a connector config or stream schema: it must compile, and
 * every `type` must be a JSON Schema type (TypeBox's compiler takes unknown type names
 * silently, so they are looked at here). Each problem names its path in the schema.
 */
export function schemaProblems(schema: unknown, label: string): string[] {
  const problems: string[] = [];
  try {
    Compile(schema as never);
  } catch (error) {
    problems.push(`${label}: does not compile: ${(error as Error).message}`);
  }
  walk(schema, label, (node, path) => {
    const types = Array.isArray(node.type) ? node.type : node.type === undefined ? [] : [node.type];
    for (const type of types) {
      if (typeof type !== 'string' || !JSON_TYPES.has(type)) {
        problems.push(`${path}: ${JSON.stringify(type)} is not a JSON Schema type`);
      }
    }
    if (node.properties !== undefined && !isObject(node.properties)) {
      problems.push(`${path}.properties: must be an object`);
    }
  });
  return problems;
}

/** Config fields whose name says "secret" but whose schema lacks `airbyte_secret: true`. */
export function unmarkedSecrets(schema: unknown): string[] {
  const unmarked: string[] = [];
  walk(schema, 'config', (node, path, name) => {
    if (!name || !SECRET_NAME.test(name) || node[SECRET_MARK] === true) return;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    // Only leaf values are secrets: `credentials: {type: object}` holds fields of its own.
    if (types.includes('string')) unmarked.push(path);
  });
  return unmarked;
}

function walk(
  schema: unknown,
  path: string,
  visit: (node: JsonSchema, path: string, name?: string) => void,
  name?: string,
): void {
  if (!isObject(schema)) return;
  visit(schema, path, name);
  if (isObject(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) {
      walk(sub, `${path}.${key}`, visit, key);
    }
  }
  if (isObject(schema.items)) walk(schema.items, `${path}[]`, visit);
  for (const branch of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[branch];
    if (Array.isArray(options)) {
      options.forEach((option, index) => {
        walk(option, `${path}(${branch}[${index}])`, visit, name);
      });
    }
  }
}

function isObject(value: unknown): value is JsonSchema {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A check of records against a stream's JSON Schema: TypeBox's compiled validator for the
 * structure, then core's `valueFits` for each top-level field's logical type (the Airbyte
 * conventions a plain validator does not know: decimals as text, timestamps without an
 * offset). Returns one line per problem, naming the field and the value.
 */
export function recordChecker(jsonSchema: unknown): (data: Record<string, unknown>) => string[] {
  const validator = Compile(relaxFormats(jsonSchema) as never);
  const fields = fieldsOf(jsonSchema);
  return (data) => {
    const problems: string[] = [];
    const flagged = new Set<string>();
    if (!validator.Check(data)) {
      for (const e of validator.Errors(data)) {
        const at = e.instancePath || '/';
        flagged.add(at.split('/')[1] ?? '');
        problems.push(`${at}: ${e.message} (value ${JSON.stringify(valueAtPointer(data, at))})`);
      }
    }
    for (const [name, type] of fields) {
      const value = data[name];
      if (value === undefined || value === null || flagged.has(name)) continue;
      if (!valueFits(value, type.type)) {
        problems.push(`/${name}: ${JSON.stringify(value)} is not a ${type.type}`);
      }
    }
    return problems;
  };
}

/**
 * Drops `format` from date-time and time fields: JSON Schema's formats demand an offset, but
 * Airbyte's `timestamp_without_timezone` and `time` carry none. valueFits checks them instead.
 */
function relaxFormats(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(relaxFormats);
  if (!isObject(schema)) return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'format' && (value === 'date-time' || value === 'time')) continue;
    out[key] = relaxFormats(value);
  }
  return out;
}

function valueAtPointer(data: unknown, pointer: string): unknown {
  let current = data;
  for (const part of pointer.split('/').slice(1)) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
