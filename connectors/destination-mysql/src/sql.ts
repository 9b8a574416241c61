/** A MySQL identifier in backticks, with backticks inside doubled. */
export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A comma-separated list of quoted identifiers. */
export function idList(names: readonly string[]): string {
  return names.map(quoteId).join(', ');
}

/** The MySQL error code of a driver error (`ER_DATA_TOO_LONG`), if it has one. */
export function driverCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The column a MySQL error message names (`for column 'x'` or `` `db`.`t`.`x` ``). */
export function columnInError(message: string): string | undefined {
  const qualified = /column `[^`]*`\.`[^`]*`\.`([^`]+)`/.exec(message);
  if (qualified) return qualified[1];
  const simple = /column '([^']+)'/.exec(message);
  return simple?.[1];
}
