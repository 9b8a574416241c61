import { type IdentifierRules, shortenIdentifier } from '@tributary/core';

/** Postgres' identifier limit: NAMEDATALEN - 1 bytes, case kept because names are quoted. */
export const PG_IDENTIFIER_RULES: IdentifierRules = {
  maxLength: 63,
  unit: 'bytes',
  caseInsensitive: false,
};

/** A quoted identifier: every name is quoted, so case, spaces and keywords are all safe. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/** A name cut to 63 bytes with a stable hash where longer. */
export function pgName(name: string): string {
  return shortenIdentifier(name, PG_IDENTIFIER_RULES);
}

/** A quoted text literal, for DDL where parameters are not allowed. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
