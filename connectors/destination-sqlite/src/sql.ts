/**
 * Quotes an identifier for SQLite: always, so reserved words (`order`), mixed case and odd
 * characters are taken literally; a double quote inside the name is doubled.
 */
export function quoteId(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A comma-separated list of quoted identifiers. */
export function quoteIds(names: readonly string[]): string {
  return names.map(quoteId).join(', ');
}

/** SQLite's default limit on bound variables per statement (SQLITE_MAX_VARIABLE_NUMBER). */
export const MAX_VARIABLES = 32766;
