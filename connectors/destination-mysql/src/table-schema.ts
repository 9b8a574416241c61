import {
  BadRecordError,
  type CollisionPolicy,
  ColumnMap,
  type FieldType,
  type LogicalType,
  METADATA_COLUMNS,
  observedType,
  SchemaError,
  type SchemaPolicy,
  type TraceSchemaChange,
  valueFits,
  widen,
} from '@tributary/core';
import type { Connection } from 'mysql2/promise';
import { switchCollationSql } from './collation.js';
import { encodeValue, utcDatetimeText } from './encode.js';
import { type FastEncoder, fastEncoder } from './fast-encode.js';
import { type MappedColumn, readColumnMap, writeColumnMap } from './meta-tables.js';
import { type ColumnInfo, logicalFromInfo, physicalGap, sqlTypeFor } from './physical.js';
import { quoteId } from './sql.js';

/** MySQL column names: at most 64 characters, compared without case. */
export const MYSQL_IDENTIFIERS = { maxLength: 64, unit: 'chars', caseInsensitive: true } as const;

/** One data column of a destination table. */
export interface Column {
  /** Position among the data columns; columns are only ever appended. */
  index: number;
  field: string;
  column: string;
  type: LogicalType;
  key: boolean;
  info: ColumnInfo;
  /** For DATETIME columns: whether values carry an offset (timestamp_tz). */
  timestamp?: boolean;
  /** The shortcut for common values that certainly fit (see fast-encode.ts). */
  fast?: FastEncoder;
}

/** What a table's stream needs to know to shape it. */
export interface TableOptions {
  stream: string;
  /** Where rows go (for overwrite, the fresh table that is swapped in at the end). */
  table: string;
  /** The name the column map is kept under: the final table's. */
  mapName: string;
  fields: Map<string, FieldType>;
  keyFields: string[];
  /** append_dedup tables get a PRIMARY KEY. */
  primaryKey: boolean;
  policy: SchemaPolicy;
  collision: CollisionPolicy;
  /** Overwrite keeps map writes until its table is swapped in. */
  deferMapWrites: boolean;
  /** The collation of text columns (the session's, see connection.ts). */
  collation: string;
  /** Told every DDL statement before it runs (a debug event, so tests can count them). */
  onDdl: (sql: string) => void;
}

/** A record's values in column order (text as sent to the server), or a change to make first. */
export type Check =
  | { kind: 'row'; values: (string | null)[] }
  | { kind: 'change'; apply: () => Promise<void> };

const META_SQL = `${quoteId(METADATA_COLUMNS.extractedAt)} DATETIME(6) NULL,
  ${quoteId(METADATA_COLUMNS.syncId)} BIGINT NULL,
  ${quoteId(METADATA_COLUMNS.deletedAt)} DATETIME(6) NULL`;

/**
 * The shape of one destination table and the idempotent DDL that keeps it able to hold the
 * records. MySQL commits on every DDL statement, so changes happen before any data of the
 * batch is written; the caller checks each record and applies the change it asks for.
 */
export class TableSchema {
  readonly columns: Column[] = [];
  readonly #byField = new Map<string, Column>();
  readonly changes: TraceSchemaChange[] = [];
  readonly #pendingMap: MappedColumn[] = [];
  #exists = false;
  #map!: ColumnMap;
  #known: MappedColumn[] = [];
  readonly #values: (string | null)[] = [];

  constructor(
    private readonly conn: Connection,
    readonly options: TableOptions,
  ) {}

  get exists(): boolean {
    return this.#exists;
  }

  /** Reads the table's columns and its column map from the database. */
  async load(): Promise<void> {
    const o = this.options;
    this.#known = await readColumnMap(this.conn, o.mapName);
    const reserved = Object.values(METADATA_COLUMNS);
    this.#map = new ColumnMap(
      MYSQL_IDENTIFIERS,
      o.collision,
      this.#known.map((m) => [m.field, m.column]),
      reserved,
    );
    const infos = await this.#readInfo();
    this.#exists = infos.size > 0;
    if (!this.#exists) return;
    for (const m of this.#known) {
      const info = infos.get(m.column.toLowerCase());
      if (!info) continue;
      const type = sameFamily(m.type, info) ? m.type : logicalFromInfo(info, m.type);
      this.#add({
        field: m.field,
        column: m.column,
        type,
        key: o.keyFields.includes(m.field),
        info,
      });
    }

    // A field new to the map gets the column the map gives it: never one a mapped field owns
    // (MySQL would take `email` for `Email`), so two fields never share a column. The table
    // may already have that column (made elsewhere): a field whose exact name is a column
    // asks first, so `Email` keeps `Email` whatever the catalog's order.
    const mapped = new Set(this.#known.map((m) => m.field));
    const names = new Set([...infos.values()].map((info) => info.name));
    const fresh = [...o.fields.keys()].filter((f) => !mapped.has(f));
    fresh.sort((a, b) => Number(names.has(b)) - Number(names.has(a)));
    const adopted: MappedColumn[] = [];
    for (const field of fresh) {
      const info = infos.get(this.#map.columnFor(field).toLowerCase());
      if (!info) continue;
      const type = logicalFromInfo(info, o.fields.get(field)?.type);
      this.#add({ field, column: info.name, type, key: o.keyFields.includes(field), info });
      adopted.push({ field, column: info.name, type });
    }
    // Kept in the map, so the next run's catalog (another order, one more field) cannot move
    // a field to another column.
    await this.#recordMap(adopted);

    // Older versions made text columns utf8mb4_bin, which pads with spaces: switched once,
    // before any data.
    const typed = this.columns.map((c) => ({
      column: c.column,
      type: c.type,
      declared: o.fields.get(c.field)?.type,
    }));
    const alter = await switchCollationSql(this.conn, o.table, typed, o.collation);
    if (alter) await this.#ddl(alter);
  }

  async #readInfo(): Promise<Map<string, ColumnInfo>> {
    const [rows] = await this.conn.query(
      `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, CHARACTER_MAXIMUM_LENGTH AS charMax,
        NUMERIC_PRECISION AS numPrecision, NUMERIC_SCALE AS numScale,
        CHARACTER_SET_NAME AS charset
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
        ORDER BY ORDINAL_POSITION`,
      [this.options.table],
    );
    const out = new Map<string, ColumnInfo>();
    for (const r of rows as Array<Record<string, unknown>>) {
      const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
      const name = String(r.name);
      out.set(name.toLowerCase(), {
        name,
        dataType: String(r.dataType).toLowerCase(),
        charMax: num(r.charMax),
        precision: num(r.numPrecision),
        scale: num(r.numScale),
        charset: r.charset === null ? null : String(r.charset),
      });
    }
    return out;
  }

  #add(column: Omit<Column, 'index'>): void {
    const full: Column = { ...column, index: this.columns.length };
    setTimestampFlag(full);
    this.columns.push(full);
    this.#byField.set(column.field, full);
  }

  /** Creates the table from the catalog's fields; `sample` sizes decimals and key columns. */
  async create(sample: Record<string, unknown> = {}): Promise<void> {
    const o = this.options;
    const fields = [...o.fields.keys()].filter((f) => f !== '_deleted');
    for (const key of o.keyFields) if (!fields.includes(key)) fields.push(key);
    this.#map.assignAll(fields);
    const defs: string[] = [];
    const planned: Array<Omit<Column, 'info' | 'index'>> = [];
    for (const field of fields) {
      const column = this.#map.columnFor(field);
      const type = o.fields.get(field)?.type ?? observedType(sample[field], 'string');
      const key = o.keyFields.includes(field);
      const text = encodeValue(sample[field], type) ?? undefined;
      const nullability = key && o.primaryKey ? 'NOT NULL' : 'NULL';
      defs.push(`${quoteId(column)} ${sqlTypeFor(type, key, text, o.collation)} ${nullability}`);
      planned.push({ field, column, type, key });
    }
    const pk = o.primaryKey
      ? `,\n  PRIMARY KEY (${o.keyFields.map((f) => quoteId(this.#map.columnFor(f))).join(', ')})`
      : '';
    await this.#ddl(
      `CREATE TABLE IF NOT EXISTS ${quoteId(o.table)} (
        ${[...defs, META_SQL].join(',\n  ')}${pk}
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${o.collation}`,
    );
    const infos = await this.#readInfo();
    for (const p of planned) {
      const info = infos.get(p.column.toLowerCase());
      if (info) this.#add({ ...p, info });
    }
    this.#exists = true;
    await this.#recordMap(planned.map((p) => ({ field: p.field, column: p.column, type: p.type })));
  }

  async #recordMap(columns: MappedColumn[]): Promise<void> {
    if (this.options.deferMapWrites) this.#pendingMap.push(...columns);
    else await writeColumnMap(this.conn, this.options.mapName, columns);
  }

  /** Writes the map entries an overwrite kept back, once its table is the real one. */
  async flushMap(): Promise<void> {
    await writeColumnMap(this.conn, this.options.mapName, this.#pendingMap.splice(0));
  }

  /**
   * Checks one record against the table: its values when every value fits, else the first
   * change it needs (under `freeze`, a SchemaError instead). Throws BadRecordError for a
   * value no column of its kind can hold.
   */
  check(data: Record<string, unknown>, keyOf: (data: Record<string, unknown>) => string): Check {
    // One array for every record: a caller that keeps the values copies them.
    const values = this.#values;
    if (values.length !== this.columns.length) values.length = this.columns.length;
    values.fill(null);
    for (const field in data) {
      if (field === '_deleted') continue;
      const value = data[field];
      const col = this.#byField.get(field);
      if (!col) {
        if (value === null || value === undefined) continue;
        return this.#addColumn(field, value, keyOf(data));
      }
      if (value === null || value === undefined) continue;
      const quick = col.fast?.(value);
      if (quick !== undefined) {
        values[col.index] = quick;
        continue;
      }
      if (col.timestamp !== undefined && typeof value === 'string') {
        const fast = utcDatetimeText(value, col.timestamp);
        if (fast !== undefined) {
          values[col.index] = fast;
          continue;
        }
      }
      let type = col.type;
      if (!valueFits(value, type)) {
        const wider = widen(type, observedType(value, type));
        if (wider !== type) return this.#retype(col, wider, value, keyOf(data));
        type = col.type;
      }
      const text = encodeValue(value, type);
      if (text === null) continue;
      const gap = physicalGap(col.info, type, col.key, text, this.options.collation);
      if (gap) return this.#resize(col, gap.reason, gap.widerSql, value, keyOf(data));
      values[col.index] = text;
    }
    return { kind: 'row', values };
  }

  #freeze(message: string, context: Record<string, unknown>): never {
    throw new SchemaError(`${message} (schema_policy: freeze)`, {
      stream: this.options.stream,
      ...context,
    });
  }

  #addColumn(field: string, value: unknown, recordKey: string): Check {
    const o = this.options;
    const declared = o.fields.get(field)?.type;
    const type = declared && valueFits(value, declared) ? declared : observedType(value, 'string');
    if (o.policy === 'freeze') {
      this.#freeze(
        `stream '${o.stream}': field '${field}' has no column in table '${o.table}'; ` +
          `record ${recordKey} has ${type} value ${JSON.stringify(value)}`,
        { field, recordKey, toType: type, value },
      );
    }
    return {
      kind: 'change',
      apply: async () => {
        const column = this.#map.columnFor(field);
        const sample = encodeValue(value, type) ?? undefined;
        const sql = sqlTypeFor(type, false, sample, o.collation);
        const infos = await this.#readInfo();
        if (!infos.has(column.toLowerCase())) {
          await this.#ddl(
            `ALTER TABLE ${quoteId(o.table)} ADD COLUMN ${quoteId(column)} ${sql} NULL`,
          );
        }
        const info = (await this.#readInfo()).get(column.toLowerCase())!;
        this.#add({ field, column, type, key: false, info });
        await this.#recordMap([{ field, column, type }]);
        this.changes.push({
          stream_descriptor: { name: o.stream },
          change: 'column_added',
          field,
          column,
          to_type: type,
        });
      },
    };
  }

  #retype(col: Column, wider: LogicalType, value: unknown, recordKey: string): Check {
    const o = this.options;
    const incoming = observedType(value, col.type);
    if (o.policy === 'freeze') {
      this.#freeze(
        `stream '${o.stream}': column '${col.column}' (field '${col.field}') is ${col.type}, ` +
          `record ${recordKey} has ${incoming} value ${JSON.stringify(value)}`,
        {
          field: col.field,
          column: col.column,
          recordKey,
          fromType: col.type,
          toType: incoming,
          value,
        },
      );
    }
    const sample = encodeValue(value, wider) ?? undefined;
    const sql = sqlTypeFor(wider, col.key, sample, o.collation);
    return {
      kind: 'change',
      apply: () => this.#modify(col, sql, col.type, wider),
    };
  }

  #resize(
    col: Column,
    reason: string,
    widerSql: string | undefined,
    value: unknown,
    recordKey: string,
  ): Check {
    const o = this.options;
    const context = { field: col.field, column: col.column, recordKey, reason };
    if (widerSql === undefined) {
      throw new BadRecordError(
        `stream '${o.stream}': table '${o.table}' column '${col.column}' cannot hold the ` +
          `value of record ${recordKey}: ${reason}`,
        { stream: o.stream, ...context },
      );
    }
    if (o.policy === 'freeze') {
      this.#freeze(
        `stream '${o.stream}': table '${o.table}' column '${col.column}' cannot hold the ` +
          `value of record ${recordKey}: ${reason}; it would need ${widerSql}`,
        { ...context, value },
      );
    }
    return { kind: 'change', apply: () => this.#modify(col, widerSql, col.type, col.type) };
  }

  async #modify(col: Column, sql: string, from: LogicalType, to: LogicalType): Promise<void> {
    const o = this.options;
    const nullability = col.key && o.primaryKey ? 'NOT NULL' : 'NULL';
    const before = describeInfo(col.info);
    await this.#ddl(
      `ALTER TABLE ${quoteId(o.table)} MODIFY COLUMN ${quoteId(col.column)} ${sql} ${nullability}`,
    );
    col.info = (await this.#readInfo()).get(col.column.toLowerCase()) ?? col.info;
    col.type = to;
    setTimestampFlag(col);
    if (from !== to) await this.#recordMap([{ field: col.field, column: col.column, type: to }]);
    this.changes.push({
      stream_descriptor: { name: o.stream },
      change: 'column_widened',
      field: col.field,
      column: col.column,
      from_type: from === to ? before : from,
      to_type: from === to ? describeInfo(col.info) : to,
    });
  }

  async #ddl(sql: string): Promise<void> {
    this.options.onDdl(sql);
    await this.conn.query(sql);
  }

  /** The column of a field, if the table has one. */
  columnOf(field: string): Column | undefined {
    return this.#byField.get(field);
  }
}

function setTimestampFlag(col: Column): void {
  const fast = fastEncoder(col.type, col.info);
  if (fast) col.fast = fast;
  else delete col.fast;
  if (col.info.dataType === 'datetime' && col.type === 'timestamp_tz') col.timestamp = true;
  else if (col.info.dataType === 'datetime' && col.type === 'timestamp') col.timestamp = false;
  else delete col.timestamp;
}

function describeInfo(info: ColumnInfo): string {
  if (info.dataType === 'decimal') return `decimal(${info.precision},${info.scale})`;
  if (info.dataType === 'varchar') return `varchar(${info.charMax}) ${info.charset ?? ''}`.trim();
  return `${info.dataType}${info.charset ? ` ${info.charset}` : ''}`;
}

const FAMILIES: Partial<Record<LogicalType, string[]>> = {
  boolean: ['tinyint'],
  integer: ['bigint', 'int', 'mediumint', 'smallint', 'tinyint'],
  big_integer: ['decimal'],
  decimal: ['decimal'],
  number: ['double', 'float'],
  date: ['date'],
  timestamp_tz: ['datetime', 'timestamp'],
  timestamp: ['datetime', 'timestamp'],
  time: ['time'],
};

/** Whether a mapped logical type still matches the column (a crash may sit between them). */
function sameFamily(type: LogicalType, info: ColumnInfo): boolean {
  const family = FAMILIES[type];
  if (family) return family.includes(info.dataType);
  return !['bigint', 'int', 'decimal', 'double', 'date', 'datetime', 'time'].includes(
    info.dataType,
  );
}
