import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Settings } from 'typebox/system';

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/**
 * Every bad field of a value as `path: what is wrong`, one line each, however many there
 * are. A choice names its allowed values (`must be one of overwrite, append`) rather than
 * the validator's words for a union (`must be equal to constant`, `must match a schema in
 * anyOf`). Values are never echoed, so a secret typed into the wrong field is not printed.
 *
 * Paths start at `root` (`config.streams[0].path`); without one they start at the first
 * field (`syncs[0].name`) and the value itself is `(top)`.
 */
export function schemaIssues(schema: TSchema, value: unknown, root?: string): string[] {
  const errors = collectErrors(schema, value);
  const at = (pointer: string, what: string) => `${pathOf(pointer, root)}: ${what}`;

  // A union's branches fail before the union itself: find every union's branches first.
  const branchesOf = new Map<SchemaError, SchemaError[]>();
  const inUnion = new Set<SchemaError>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf') continue;
    const branches = errors.filter((e) => isBranchOf(e, error));
    branchesOf.set(error, branches);
    for (const branch of branches) inUnion.add(branch);
  }

  const issues: string[] = [];
  for (const error of errors) {
    if (inUnion.has(error) || isUnknownFieldEcho(error)) continue;
    const branches = branchesOf.get(error);
    if (!branches) {
      issues.push(at(error.instancePath, describe(error)));
      continue;
    }
    for (const found of describeChoice(error, branches)) issues.push(at(found.at, found.what));
  }
  return [...new Set(issues)];
}

/**
 * TypeBox stops at 8 errors unless told otherwise; a config with more bad fields than that
 * would be fixed one run at a time. The setting is global, so it is put back afterwards.
 */
function collectErrors(schema: TSchema, value: unknown): SchemaError[] {
  const before = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: Number.POSITIVE_INFINITY });
  try {
    return [...Compile(schema).Errors(value)] as SchemaError[];
  } finally {
    Settings.Set({ maxErrors: before });
  }
}

function isBranchOf(error: SchemaError, union: SchemaError): boolean {
  return (
    error.schemaPath.startsWith(`${union.schemaPath}/anyOf/`) &&
    error.instancePath.startsWith(union.instancePath)
  );
}

interface Found {
  at: string;
  what: string;
}

/**
 * A value that matched no branch of a union. All literals: the allowed values. Only wrong
 * types: the types. Otherwise a branch of the right type failed inside, and its own issues
 * say why.
 */
function describeChoice(union: SchemaError, branches: SchemaError[]): Found[] {
  const at = union.instancePath;
  if (branches.length > 0 && branches.every((b) => b.keyword === 'const')) {
    return [{ at, what: oneOf(branches.map((b) => b.params.allowedValue)) }];
  }

  const wrongType = (b: SchemaError) => b.keyword === 'type' && b.instancePath === at;
  const closer = branches.filter((b) => !wrongType(b) && b.keyword !== 'const');
  if (closer.length === 0) {
    const types = new Set(branches.filter(wrongType).map((b) => String(b.params.type)));
    return [{ at, what: `expected ${[...types].join(' or ')}` }];
  }

  // The branch that got furthest into the value is the one the user meant.
  const deepest = closer.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a));
  const prefix = `${union.schemaPath}/anyOf/`;
  const branch = `${prefix}${deepest.schemaPath.slice(prefix.length).split('/')[0]}`;
  return closer
    .filter((b) => b.schemaPath === branch || b.schemaPath.startsWith(`${branch}/`))
    .filter((b) => b.keyword !== 'anyOf' && !isUnknownFieldEcho(b))
    .map((b) => ({ at: b.instancePath, what: describe(b) }));
}

function describe(error: SchemaError): string {
  const { keyword, params } = error;
  if (keyword === 'required' && Array.isArray(params.requiredProperties)) {
    return `missing required field ${quoted(params.requiredProperties)}`;
  }
  if (keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
    return `unknown field ${quoted(params.additionalProperties)}`;
  }
  if (keyword === 'type') return `expected ${params.type}`;
  if (keyword === 'const') return `must be ${shown(params.allowedValue)}`;
  if (keyword === 'enum' && Array.isArray(params.allowedValues)) return oneOf(params.allowedValues);
  if ((keyword === 'minItems' || keyword === 'minLength') && params.limit === 1) {
    return 'must not be empty';
  }
  return error.message;
}

function oneOf(allowed: readonly unknown[]): string {
  return `must be one of ${allowed.map(shown).join(', ')}`;
}

/** A word as it is; anything else (`,`, a tab, a space) quoted so it can be seen. */
function shown(value: unknown): string {
  if (typeof value === 'string' && /^[\w.-]+$/.test(value)) return value;
  return JSON.stringify(value) ?? String(value);
}

function quoted(names: readonly unknown[]): string {
  return names.map((name) => `'${String(name)}'`).join(', ');
}

/**
 * A field that `additionalProperties: false` forbids fails twice: at the field itself and as
 * an unknown field of its parent, which names it. The first is left out.
 */
function isUnknownFieldEcho(error: SchemaError): boolean {
  return error.keyword === 'boolean' && error.schemaPath.endsWith('/additionalProperties');
}

/** `/streams/0/path` → `streams[0].path` (or `config.streams[0].path` from root `config`). */
function pathOf(pointer: string, root: string | undefined): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts.length === 0) return root ?? '(top)';
  const path = parts.map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`)).join('');
  return root === undefined ? path.replace(/^\./, '') : `${root}${path}`;
}
