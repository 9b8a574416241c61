import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ident } from './sql.js';

/**
 * Runs one COPY … FROM STDIN of `text` (COPY text lines, each ending with a newline) and
 * waits for Postgres to accept (or refuse) all of it. The text goes in one write: a chunk
 * is a few MiB at most, and the socket takes it without a round trip per piece.
 */
export async function copyText(
  client: pg.Client,
  table: string,
  columns: readonly string[],
  text: string,
): Promise<void> {
  const sql = `COPY ${table} (${columns.map(ident).join(', ')}) FROM STDIN`;
  const sink = client.query(copyFrom(sql));
  const done = finished(sink);
  sink.end(text);
  await done;
}

/** The same for a binary COPY chunk (header, tuples, trailer). */
export async function copyBinary(
  client: pg.Client,
  table: string,
  columns: readonly string[],
  chunk: Buffer,
): Promise<void> {
  const sql = `COPY ${table} (${columns.map(ident).join(', ')}) FROM STDIN WITH (FORMAT binary)`;
  const sink = client.query(copyFrom(sql));
  const done = finished(sink);
  sink.end(chunk);
  await done;
}

/** Runs `work` under a savepoint: a failure undoes only what `work` did, then rethrows. */
export async function savepointed(client: pg.Client, work: () => Promise<void>): Promise<void> {
  await client.query('SAVEPOINT tributary_chunk');
  try {
    await work();
  } catch (error) {
    await rollbackToSavepoint(client);
    throw error;
  }
  await client.query('RELEASE SAVEPOINT tributary_chunk');
}

/** Undoes the work since the chunk's savepoint, and drops the savepoint so none pile up. */
export async function rollbackToSavepoint(client: pg.Client): Promise<void> {
  await client.query('ROLLBACK TO SAVEPOINT tributary_chunk; RELEASE SAVEPOINT tributary_chunk');
}
