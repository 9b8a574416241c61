import type pg from 'pg';

/** One column as the catalog describes it, its type resolved through domains and arrays. */
export interface ColumnInfo {
  name: string;
  /** The type to cast a parameter to, as `format_type` spells it (no typmod). */
  castType: string;
  /** The resolved type: a domain is replaced by its base type. */
  type: ResolvedType;
  notNull: boolean;
}

/** A type with domains resolved: its base name and, for arrays and enums, what they hold. */
export interface ResolvedType {
  /** The pg_type name of the base type (`int4`, `timestamptz`, `citext`, …). */
  name: string;
  element?: ResolvedType;
  enumLabels?: string[];
}

/** One table, partitioned table, view, materialized view or foreign table. */
export interface TableInfo {
  schema: string;
  name: string;
  oid: string;
  kind: 'table' | 'view';
  columns: ColumnInfo[];
  primaryKey: string[];
}

// Partitions (relispartition) are left out: their rows are read through the partitioned
// parent, which is the one stream a user expects (pagila's payment, not payment_p2022_01…).
const TABLES_SQL = `
SELECT n.nspname, c.relname, c.oid, c.relkind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = ANY($1::text[])
  AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND NOT c.relispartition
  AND has_table_privilege(c.oid, 'SELECT')
ORDER BY n.nspname, c.relname`;

const COLUMNS_SQL = `
SELECT a.attrelid, a.attname, a.atttypid, a.attnotnull, format_type(a.atttypid, -1)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

const PRIMARY_KEYS_SQL = `
SELECT i.indrelid, a.attname
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indisprimary AND i.indrelid = ANY($1::oid[])
ORDER BY i.indrelid, k.ord`;

const TYPES_SQL = `
SELECT t.oid, t.typname, t.typtype, t.typbasetype, t.typelem, t.typcategory, t.typnotnull
FROM pg_catalog.pg_type t WHERE t.oid = ANY($1::oid[])`;

const ENUM_SQL = `
SELECT e.enumtypid, e.enumlabel FROM pg_catalog.pg_enum e
WHERE e.enumtypid = ANY($1::oid[]) ORDER BY e.enumtypid, e.enumsortorder`;

type Row = Array<string | null>;

async function rows(client: pg.Client, text: string, values: unknown[]): Promise<Row[]> {
  const result = await client.query<Row>({ text, values, rowMode: 'array' });
  return result.rows;
}

/** Every readable relation of the schemas, in schema then name order, with columns and keys. */
export async function loadTables(client: pg.Client, schemas: string[]): Promise<TableInfo[]> {
  const tables: TableInfo[] = (await rows(client, TABLES_SQL, [schemas])).map(
    ([schema, name, oid, kind]) => ({
      schema: schema ?? '',
      name: name ?? '',
      oid: oid ?? '',
      kind: kind === 'v' ? 'view' : 'table',
      columns: [],
      primaryKey: [],
    }),
  );
  if (tables.length === 0) return tables;
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const oids = [...byOid.keys()];

  const columnRows = await rows(client, COLUMNS_SQL, [oids]);
  const types = await resolveTypes(
    client,
    columnRows.map((r) => r[2] ?? ''),
  );
  for (const [relid, name, typeOid, notNull, castType] of columnRows) {
    const table = byOid.get(relid ?? '');
    const resolved = types.get(typeOid ?? '');
    if (!table || !resolved || name == null) continue;
    table.columns.push({
      name,
      castType: castType ?? 'text',
      type: resolved.type,
      notNull: notNull === 't' || resolved.notNull,
    });
  }

  for (const [relid, name] of await rows(client, PRIMARY_KEYS_SQL, [oids])) {
    if (name != null) byOid.get(relid ?? '')?.primaryKey.push(name);
  }
  return tables;
}

interface TypeRow {
  name: string;
  kind: string;
  base: string;
  element: string;
  category: string;
  notNull: boolean;
}

/**
 * Resolves types by oid: a domain becomes its base type (its NOT NULL kept), an array
 * carries its resolved element, an enum its labels in sort order.
 */
async function resolveTypes(
  client: pg.Client,
  oids: string[],
): Promise<Map<string, { type: ResolvedType; notNull: boolean }>> {
  const known = new Map<string, TypeRow>();
  let pending = [...new Set(oids)];
  while (pending.length > 0) {
    for (const [oid, name, kind, base, element, category, notNull] of await rows(
      client,
      TYPES_SQL,
      [pending],
    )) {
      known.set(oid ?? '', {
        name: name ?? '',
        kind: kind ?? '',
        base: base ?? '0',
        element: element ?? '0',
        category: category ?? '',
        notNull: notNull === 't',
      });
    }
    const next = new Set<string>();
    for (const row of known.values()) {
      for (const ref of [row.base, row.element]) if (ref !== '0' && !known.has(ref)) next.add(ref);
    }
    pending = [...next];
  }

  const enumOids = [...known].filter(([, row]) => row.kind === 'e').map(([oid]) => oid);
  const labels = new Map<string, string[]>();
  if (enumOids.length > 0) {
    for (const [oid, label] of await rows(client, ENUM_SQL, [enumOids])) {
      const list = labels.get(oid ?? '') ?? [];
      list.push(label ?? '');
      labels.set(oid ?? '', list);
    }
  }

  const resolve = (oid: string, depth = 0): { type: ResolvedType; notNull: boolean } => {
    const row = known.get(oid);
    if (!row || depth > 16) return { type: { name: 'text' }, notNull: false };
    if (row.kind === 'd') {
      const base = resolve(row.base, depth + 1);
      return { type: base.type, notNull: row.notNull || base.notNull };
    }
    if (row.category === 'A' && row.element !== '0') {
      return {
        type: { name: row.name, element: resolve(row.element, depth + 1).type },
        notNull: false,
      };
    }
    if (row.kind === 'e')
      return { type: { name: row.name, enumLabels: labels.get(oid) ?? [] }, notNull: false };
    return { type: { name: row.name }, notNull: false };
  };
  return new Map(oids.map((oid) => [oid, resolve(oid)]));
}
