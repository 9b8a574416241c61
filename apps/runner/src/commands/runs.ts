import { SqliteStateStore } from '@tributary/engine';
import { COMMON, parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { RUNS_HELP } from '../help.js';
import { table } from '../render/table.js';
import { assertKnownSync, configOrDefault } from './open-config.js';

/** `tributary runs [SYNC]`: run history, newest first. */
export async function runsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { ...COMMON, limit: { type: 'string' } });
  if (values.help) {
    process.stdout.write(RUNS_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new UsageError('--limit takes a positive integer');
  const config = configOrDefault(values.file);
  const store = new SqliteStateStore(config.statePath);
  try {
    if (positionals[0] !== undefined) await assertKnownSync(config, store, positionals[0]);
    const runs = await store.runs(positionals[0], limit);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
      return EXIT.ok;
    }
    if (runs.length === 0) {
      process.stdout.write('no runs yet\n');
      return EXIT.ok;
    }
    const rows = runs.map((r) => [
      String(r.id),
      r.sync,
      r.startedAt,
      r.endedAt ?? '',
      r.status,
      Object.entries(r.counts)
        .map(
          ([stream, c]) =>
            `${stream} ${c.read}/${c.committed}${c.rejected + c.skipped ? `/${c.rejected + c.skipped}` : ''}`,
        )
        .join(', '),
      r.error?.split('\n')[0] ?? '',
    ]);
    process.stdout.write(
      `${table(['run', 'sync', 'started', 'ended', 'status', 'read/committed[/rejected]', 'error'], rows, [true, false, false, false, false, false, false])}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
