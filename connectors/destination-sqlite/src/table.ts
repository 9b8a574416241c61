import {
  type CollisionPolicy,
  ColumnMap,
  DELETED_FIELD,
  type FieldType,
  type IdentifierRules,
  type LogicalType,
  METADATA_COLUMNS,
} from '@tributary/core';
import { loadColumns, type StoredColumn, saveColumns } from './column-store.js';
import { type Db, tableExists } from './database.js';
import { rebuildWithType, tableColumns } from './rebuild.js';
import { quoteId } from './sql.js';
import { type Encoder, encoderFor, sqliteTypeOf } from './values.js';

/**
 * SQLite has no practical identifier length limit but compares column names without case,
 * so `Email` and `email` are one column: the map folds case. The length cap only keeps
 * statements readable; longer names get core's hash suffix.
 */
export const SQLITE_IDENTIFIERS: IdentifierRules = {
  maxLength: 1024,
  unit: 'chars',
  caseInsensitive: true,
};

/** Metadata columns, in table order, with their SQLite types. */
export const METADATA_DEFINITIONS: ReadonlyArray<[string, string]> = [
  [METADATA_COLUMNS.extractedAt, 'TEXT'],
  [METADATA_COLUMNS.syncId, 'INTEGER'],
  [METADATA_COLUMNS.deletedAt, 'TEXT'],
];

/** A data column: the field it holds, its name, its logical type and how values become SQL. */
export interface Column {
  field: string;
  name: string;
  type: LogicalType;
  encode: Encoder;
}

const column = (field: string, name: string, type: LogicalType): Column => ({
  field,
  name,
  type,
  encode: encoderFor(type),
});

/** Reads a declared SQLite type the way SQLite's affinity rules do, for tables made by hand. */
function adoptType(declared: string, wanted: LogicalType | undefined): LogicalType {
  const d = declared.toUpperCase();
  const affinity = d.includes('INT')
    ? 'INTEGER'
    : /CHAR|CLOB|TEXT/.test(d)
      ? 'TEXT'
      : /REAL|FLOA|DOUB/.test(d)
        ? 'REAL'
        : d === '' || d.includes('BLOB')
          ? 'ANY'
          : 'NUMERIC';
  if (wanted && (affinity === 'ANY' || sqliteTypeOf(wanted) === affinity)) return wanted;
  if (affinity === 'INTEGER') return 'integer';
  if (affinity === 'REAL' || affinity === 'NUMERIC') return 'number';
  return 'string';
}

/**
 * One destination table and its columns. The field-to-column names come from core's
 * ColumnMap and are kept in `_tributary_columns` with each column's logical type, because
 * SQLite's declared type (TEXT) cannot tell a decimal from a timestamp or a string.
 */
export class TableSchema {
  readonly db: Db;
  readonly table: string;
  readonly columns: Column[];
  readonly #byField: Map<string, Column>;
  readonly #names: ColumnMap;
  /** Bumped on every change of columns, so cached statements know they are stale. */
  version = 0;

  private constructor(db: Db, table: string, names: ColumnMap, columns: Column[]) {
    this.db = db;
    this.table = table;
    this.#names = names;
    this.columns = columns;
    this.#byField = new Map(columns.map((c) => [c.field, c]));
  }

  /**
   * Opens a table, creating it from the stream's fields when missing (or when `fresh`, for
   * an overwrite's new table, which takes its names from `namesFrom`). An existing table
   * keeps its column types: a catalog's new type changes nothing until a value needs it.
   */
  static open(
    db: Db,
    table: string,
    fields: ReadonlyMap<string, FieldType>,
    policy: CollisionPolicy,
    options: { fresh?: boolean; namesFrom?: string } = {},
  ): TableSchema {
    const stored = loadColumns(db, options.namesFrom ?? table);
    const names = new ColumnMap(
      SQLITE_IDENTIFIERS,
      policy,
      stored.map((s) => [s.field, s.column]),
      METADATA_DEFINITIONS.map(([name]) => name),
    );
    const wanted = [...fields].filter(([field]) => field !== DELETED_FIELD);
    if (options.fresh || !tableExists(db, table)) {
      names.assignAll(wanted.map(([field]) => field));
      const columns = wanted.map(([field, t]) => column(field, names.columnFor(field), t.type));
      const definitions = [
        ...columns.map((c) => `${quoteId(c.name)} ${sqliteTypeOf(c.type)}`),
        ...METADATA_DEFINITIONS.map(([name, type]) => `${quoteId(name)} ${type}`),
      ];
      db.exec(`CREATE TABLE ${quoteId(table)} (${definitions.join(', ')})`);
      const schema = new TableSchema(db, table, names, columns);
      schema.#save();
      return schema;
    }
    return TableSchema.#adopt(db, table, names, stored, new Map(wanted));
  }

  static #adopt(
    db: Db,
    table: string,
    names: ColumnMap,
    stored: StoredColumn[],
    wanted: Map<string, FieldType>,
  ): TableSchema {
    const present = new Map(tableColumns(db, table).map((c) => [c.name.toLowerCase(), c]));
    const columns: Column[] = [];
    for (const s of stored) {
      if (s.type && present.has(s.column.toLowerCase()))
        columns.push(column(s.field, s.column, s.type));
    }
    const known = new Set(stored.map((s) => s.field));
    for (const [field, fieldType] of wanted) {
      const existing = present.get(field.toLowerCase());
      if (known.has(field) || !existing) continue;
      const name = names.columnFor(field);
      if (name.toLowerCase() === field.toLowerCase())
        columns.push(column(field, existing.name, adoptType(existing.type, fieldType.type)));
    }
    for (const [name, type] of METADATA_DEFINITIONS) {
      if (!present.has(name.toLowerCase()))
        db.exec(`ALTER TABLE ${quoteId(table)} ADD COLUMN ${quoteId(name)} ${type}`);
    }
    const schema = new TableSchema(db, table, names, columns);
    schema.#save();
    return schema;
  }

  /** The column of a field, if it has one. */
  column(field: string): Column | undefined {
    return this.#byField.get(field);
  }

  /** Adds a nullable column for a new field; returns it. */
  addColumn(field: string, type: LogicalType): Column {
    const added = column(field, this.#names.columnFor(field), type);
    this.db.exec(
      `ALTER TABLE ${quoteId(this.table)} ADD COLUMN ${quoteId(added.name)} ${sqliteTypeOf(type)}`,
    );
    this.columns.push(added);
    this.#byField.set(field, added);
    this.#changed();
    return added;
  }

  /** Widens a column to a type that holds every value it has, converting them. */
  widen(target: Column, to: LogicalType): void {
    rebuildWithType(this.db, this.table, target.name, target.type, to);
    target.type = to;
    target.encode = encoderFor(to);
    this.#changed();
  }

  #changed(): void {
    this.version++;
    this.#save();
  }

  #save(): void {
    const types = new Map(this.columns.map((c) => [c.field, c.type]));
    saveColumns(
      this.db,
      this.table,
      this.#names.entries().map(([field, name]) => ({
        field,
        column: name,
        type: types.get(field) ?? null,
      })),
    );
  }
}
