import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ident } from './sql.js';

/** Lines are sent to the socket in pieces of about this many characters. */
const SEND_CHARS = 256 * 1024;

/**
 * One COPY … FROM STDIN kept open while a chunk is buffered: lines go to the server as they
 * are encoded, so Postgres parses and stores one part while the next is being prepared.
 * Nothing else may use the connection until `end()`. A failure (a row refused) surfaces
 * from `end()`; writes after it are dropped.
 */
export class CopySession {
  readonly #sink: Writable;
  readonly #done: Promise<void>;
  #failed = false;
  #buffer = '';

  constructor(client: pg.Client, table: string, columns: readonly string[]) {
    const sql = `COPY ${table} (${columns.map(ident).join(', ')}) FROM STDIN`;
    this.#sink = client.query(copyFrom(sql));
    this.#done = finished(this.#sink);
    this.#done.catch(() => {
      this.#failed = true;
    });
  }

  /** Queues one line in COPY text form; returns a promise only when it had to send. */
  write(line: string): Promise<void> | undefined {
    this.#buffer += `${line}\n`;
    return this.#buffer.length >= SEND_CHARS ? this.#send() : undefined;
  }

  async #send(): Promise<void> {
    const text = this.#buffer;
    this.#buffer = '';
    if (this.#failed || text === '') return;
    if (!this.#sink.write(text)) {
      // Wait for the socket, unless the COPY fails meanwhile (then 'drain' never comes).
      await Promise.race([once(this.#sink, 'drain'), this.#done]).catch(() => {});
    }
  }

  /** Cancels the COPY (the server gets CopyFail), so the connection can roll back. */
  async abort(): Promise<void> {
    if (!this.#failed) this.#sink.destroy(new Error('input ended abnormally'));
    await this.#done.catch(() => {});
  }

  /** Sends the rest and waits for Postgres to accept (or refuse) the whole COPY. */
  async end(): Promise<void> {
    await this.#send();
    if (!this.#failed) this.#sink.end();
    await this.#done;
  }
}

/** Writes rows in one COPY and waits for it: for a chunk retried row by row. */
export async function copyRows(
  client: pg.Client,
  table: string,
  columns: readonly string[],
  lines: readonly string[],
): Promise<void> {
  const session = new CopySession(client, table, columns);
  for (const line of lines) await session.write(line);
  await session.end();
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
