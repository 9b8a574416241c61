import { type LogicalType, METADATA_COLUMNS } from '@tributary/core';
import type { Statement } from 'better-sqlite3';
import { MAX_VARIABLES, quoteId, quoteIds } from './sql.js';
import type { Column, TableSchema } from './table.js';

/** What a stream's table does with a record: insert it, or upsert it on its primary key. */
export interface WritePlan {
  dedup: boolean;
  keys: readonly string[];
  cursor: string | undefined;
}

/** Types whose stored form already orders correctly in SQL (numbers, normalized timestamps). */
const SQL_ORDERED = new Set<LogicalType>([
  'integer',
  'number',
  'date',
  'timestamp',
  'timestamp_tz',
]);
const TEMPORAL = new Set<LogicalType>(['date', 'timestamp', 'timestamp_tz']);

/** `a >= b` in the cursor's logical type, by core's rules. */
function atLeast(a: string, b: string, type: LogicalType): string {
  return SQL_ORDERED.has(type) ? `${a} >= ${b}` : `tributary_compare(${a}, ${b}, '${type}') >= 0`;
}

/**
 * Prepared statements of one table, built once per shape and dropped when a column changes.
 * Inserts bind many rows per statement (far fewer round trips into SQLite); the number of
 * rows is capped so a statement stays within SQLite's 32766 variables.
 */
export class Statements {
  readonly #schema: TableSchema;
  readonly #plan: WritePlan;
  readonly #rowsPerStatement: number;
  #version = -1;
  #inserts = new Map<number, Statement>();
  #deletes = new Map<string, Statement>();
  #columns: Column[] = [];
  #keyColumns: Column[] = [];
  #cursorColumn: Column | undefined;

  constructor(schema: TableSchema, plan: WritePlan, rowsPerStatement: number) {
    this.#schema = schema;
    this.#plan = plan;
    this.#rowsPerStatement = rowsPerStatement;
  }

  /** Values bound per row: the data columns then the three metadata columns. */
  get width(): number {
    return this.#schema.columns.length + 3;
  }

  /** How many rows one statement takes, for the current columns. */
  get batchRows(): number {
    return Math.max(1, Math.min(this.#rowsPerStatement, Math.floor(MAX_VARIABLES / this.width)));
  }

  /** The columns of the primary key and the cursor, as they are now. */
  keyColumns(): { keys: Column[]; cursor: Column | undefined } {
    this.#refresh();
    return { keys: this.#keyColumns, cursor: this.#cursorColumn };
  }

  /** True when every primary key field has a column (else no row can match a key). */
  hasKeyColumns(): boolean {
    this.#refresh();
    return this.#plan.keys.length > 0 && this.#keyColumns.length === this.#plan.keys.length;
  }

  /** The statement that writes `rows` rows at once. */
  insert(rows: number): Statement {
    this.#refresh();
    let statement = this.#inserts.get(rows);
    if (!statement) {
      statement = this.#schema.db.prepare(this.#insertSql(rows));
      this.#inserts.set(rows, statement);
    }
    return statement;
  }

  /**
   * The statement that applies a deletion marker to the rows of its key. Named parameters:
   * `@k0`, `@k1`… the key values, `@cursor` the marker's cursor value (rows with a greater
   * cursor keep their data), and for `soft` `@deleted_at`, `@sync_id`, `@extracted_at`.
   */
  deletion(policy: 'hard' | 'soft'): Statement {
    this.#refresh();
    let statement = this.#deletes.get(policy);
    if (!statement) {
      const table = quoteId(this.#schema.table);
      const where = this.#keyColumns.map((c, i) => `${quoteId(c.name)} = @k${i}`);
      const cursor = this.#cursorColumn;
      if (cursor) {
        const name = quoteId(cursor.name);
        where.push(
          `(@cursor IS NULL OR ${name} IS NULL OR ${atLeast('@cursor', name, cursor.type)})`,
        );
      } else {
        where.push('(@cursor IS NULL OR 1)');
      }
      const sql =
        policy === 'hard'
          ? `DELETE FROM ${table} WHERE ${where.join(' AND ')}`
          : `UPDATE ${table} SET ${quoteId(METADATA_COLUMNS.deletedAt)} = @deleted_at,
               ${quoteId(METADATA_COLUMNS.syncId)} = @sync_id,
               ${quoteId(METADATA_COLUMNS.extractedAt)} = @extracted_at
             WHERE ${where.join(' AND ')}`;
      statement = this.#schema.db.prepare(sql);
      this.#deletes.set(policy, statement);
    }
    return statement;
  }

  #refresh(): void {
    if (this.#version === this.#schema.version) return;
    // Key columns first: giving a missing key its column changes the table's version.
    this.#keyColumns = this.#plan.dedup
      ? this.#plan.keys.map((field) => this.#required(field))
      : this.#plan.keys.flatMap((field) => this.#schema.column(field) ?? []);
    this.#cursorColumn = this.#plan.cursor ? this.#schema.column(this.#plan.cursor) : undefined;
    this.#version = this.#schema.version;
    this.#inserts = new Map();
    this.#deletes = new Map();
    this.#columns = [...this.#schema.columns];
  }

  #required(field: string): Column {
    const found = this.#schema.column(field);
    if (found) return found;
    // A key field the table has no column for yet (an empty stream): give it one now, so
    // the unique index and the upsert below always have their key.
    return this.#schema.addColumn(field, 'string');
  }

  #insertSql(rows: number): string {
    const table = quoteId(this.#schema.table);
    const names = [
      ...this.#columns.map((c) => c.name),
      METADATA_COLUMNS.extractedAt,
      METADATA_COLUMNS.syncId,
      METADATA_COLUMNS.deletedAt,
    ];
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const values = new Array<string>(rows).fill(tuple).join(', ');
    const insert = `INSERT INTO ${table} (${quoteIds(names)}) VALUES ${values}`;
    if (!this.#plan.dedup) return insert;
    return `${insert} ${this.#upsertClause(table)}`;
  }

  /**
   * The dedup rule in SQL. SQLite runs the rows of a multi-row upsert one after another, so
   * a key repeated inside one statement folds exactly as it would across statements: the
   * result never depends on the batch size. A row is replaced only when the incoming cursor
   * is at least the stored one (ties: the later record wins) and some data column changed
   * or the row is soft-deleted (revive); otherwise it stays as it was, metadata included.
   */
  #upsertClause(table: string): string {
    const keys = new Set(this.#keyColumns.map((c) => c.name));
    const data = this.#columns.filter((c) => !keys.has(c.name));
    const deletedAt = `${table}.${quoteId(METADATA_COLUMNS.deletedAt)}`;
    const set = [
      ...data.map((c) => `${quoteId(c.name)} = excluded.${quoteId(c.name)}`),
      `${quoteId(METADATA_COLUMNS.extractedAt)} = excluded.${quoteId(METADATA_COLUMNS.extractedAt)}`,
      `${quoteId(METADATA_COLUMNS.syncId)} = excluded.${quoteId(METADATA_COLUMNS.syncId)}`,
      `${quoteId(METADATA_COLUMNS.deletedAt)} = NULL`,
    ];
    const changed = [
      ...data.map((c) => `${table}.${quoteId(c.name)} IS NOT excluded.${quoteId(c.name)}`),
      `${deletedAt} IS NOT NULL`,
    ];
    const conditions = [`(${changed.join(' OR ')})`];
    const cursor = this.#cursorColumn;
    if (cursor) {
      const incoming = `excluded.${quoteId(cursor.name)}`;
      const stored = `${table}.${quoteId(cursor.name)}`;
      conditions.push(
        `(${incoming} IS NULL OR ${stored} IS NULL OR ${atLeast(incoming, stored, cursor.type)})`,
      );
      // A soft-deleted row comes back only with a record newer than the deletion marker.
      if (TEMPORAL.has(cursor.type))
        conditions.push(
          `(${deletedAt} IS NULL OR ${incoming} IS NULL OR ` +
            `tributary_compare(${incoming}, ${deletedAt}, 'timestamp_tz') >= 0)`,
        );
    }
    const conflict = quoteIds(this.#keyColumns.map((c) => c.name));
    return `ON CONFLICT (${conflict}) DO UPDATE SET ${set.join(', ')} WHERE ${conditions.join(' AND ')}`;
  }
}
