import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ident } from './sql.js';

/**
 * Streams rows, already in COPY text form, into a table: one COPY per chunk, never a
 * row-by-row INSERT. `table` is already quoted (and qualified where needed).
 */
export async function copyRows(
  client: pg.Client,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<void> {
  const sql = `COPY ${table} (${columns.map(ident).join(', ')}) FROM STDIN`;
  const sink = client.query(copyFrom(sql));
  await pipeline(Readable.from([`${lines.join('\n')}\n`]), sink);
}

/** Runs `work` under a savepoint: a failure undoes only what `work` did, then rethrows. */
export async function savepointed(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('SAVEPOINT tributary_chunk');
  try {
    await work();
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT tributary_chunk');
    throw error;
  }
  await client.query('RELEASE SAVEPOINT tributary_chunk');
}
