import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';

/** Enough for every bad field of a large tributary.yaml; TypeBox stops at 8 by default. */
const MAX_ERRORS = 200;

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * Every bad field of a value as `path: what is wrong`, with the allowed values of a choice
 * (`must be one of overwrite, append, append_dedup`) rather than the validator's words for
 * its union (`must be equal to constant`, `must match a schema in anyOf`). Values are
 * never echoed: a secret typed into the wrong field is not printed.
 */
export function schemaIssues(schema: TSchema, value: unknown): string[] {
  const errors = collect(schema, value);
  // A union's branches fail before the union does: find every union first.
  const branchesOf = new Map<SchemaError, SchemaError[]>();
  const inUnion = new Set<SchemaError>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const prefix = `${error.schemaPath}/anyOf/`;
    const branches = errors.filter(
      (e) => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(error.instancePath),
    );
    branchesOf.set(error, branches);
    for (const branch of branches) inUnion.add(branch);
  }
  const issues: string[] = [];
  for (const error of errors) {
    if (inUnion.has(error) || isUnknownFieldEcho(error)) continue;
    const branches = branchesOf.get(error);
    if (branches) {
      issues.push(...describeChoice(error.instancePath, `${error.schemaPath}/anyOf/`, branches));
    } else {
      issues.push(issue(error.instancePath, describe(error)));
    }
  }
  return [...new Set(issues)];
}

function collect(schema: TSchema, value: unknown): SchemaError[] {
  const before = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_ERRORS });
  try {
    return [...Compile(schema).Errors(value)] as SchemaError[];
  } finally {
    Settings.Set({ maxErrors: before });
  }
}

/**
 * A value that matched no branch of a union. All literals: the list of them. All wrong
 * types: the types. Otherwise a branch of the right type failed inside: its own issues.
 */
function describeChoice(at: string, prefix: string, branches: SchemaError[]): string[] {
  if (branches.length > 0 && branches.every((b) => b.keyword === 'const')) {
    const allowed = branches.map((b) => String(b.params.allowedValue));
    return [issue(at, `must be one of ${allowed.join(', ')}`)];
  }
  const wrongType = (b: SchemaError) => b.keyword === 'type' && b.instancePath === at;
  const closer = branches.filter((b) => !wrongType(b) && b.keyword !== 'const');
  if (closer.length === 0) {
    const types = [...new Set(branches.filter(wrongType).map((b) => String(b.params.type)))];
    return [issue(at, `expected ${types.join(' or ')}`)];
  }
  // The branch that got furthest into the value is the one the user meant.
  const deepest = closer.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  const branch = `${prefix}${deepest.schemaPath.slice(prefix.length).split('/')[0]}`;
  return schemaIssuesOf(
    closer.filter((b) => b.schemaPath === branch || b.schemaPath.startsWith(`${branch}/`)),
  );
}

function schemaIssuesOf(errors: SchemaError[]): string[] {
  return errors
    .filter((e) => e.keyword !== 'anyOf' && !isUnknownFieldEcho(e))
    .map((e) => issue(e.instancePath, describe(e)));
}

function describe(error: SchemaError): string {
  const { keyword, params } = error;
  if (keyword === 'required' && Array.isArray(params.requiredProperties)) {
    return `missing required field ${params.requiredProperties.map((p) => `'${p}'`).join(', ')}`;
  }
  if (keyword === 'type') return `expected ${params.type}`;
  if (keyword === 'const') return `must be ${String(params.allowedValue)}`;
  if (keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
    return `unknown field ${params.additionalProperties.map((p) => `'${p}'`).join(', ')}`;
  }
  if (keyword === 'minItems' && params.limit === 1) return 'must not be empty';
  if (keyword === 'minLength' && params.limit === 1) return 'must not be empty';
  return error.message;
}

/**
 * A field that `additionalProperties: false` forbids fails twice: at the field itself and as
 * an unknown field of its parent, which names it. The first is left out.
 */
function isUnknownFieldEcho(error: SchemaError): boolean {
  return error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties');
}

function issue(pointer: string, what: string): string {
  return `${pathOf(pointer)}: ${what}`;
}

/** `/syncs/0/streams/1/name` → `syncs[0].streams[1].name`; the root is `(top)`. */
function pathOf(pointer: string): string {
  if (!pointer) return '(top)';
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  return parts
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}
