import {
  EngineEmitter,
  findSync,
  loadCheckedConfig,
  runSync,
  SqliteStateStore,
  type SyncResult,
} from '@tributary/engine';
import { COMMON, configFile, parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { SYNC_HELP } from '../help.js';
import { printBug } from '../main.js';
import { createReporter } from '../render/reporter.js';
import { rememberSecrets } from '../secrets.js';
import { Stop } from '../stop.js';

/** `tributary sync [file]`: runs every sync of the file, or the one named by --sync. */
export async function syncCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON,
    sync: { type: 'string' },
    streams: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(SYNC_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`);
  const file = configFile(values.file, positionals[0]);
  const config = await loadCheckedConfig(file, { resolveFrom: [import.meta.url] });
  rememberSecrets(config.secrets);
  const syncs = values.sync === undefined ? config.syncs : [findSync(config, values.sync)];
  const streams = values.streams
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (streams && syncs.length > 1) throw new UsageError('--streams needs --sync');

  const stop = new Stop();
  const store = new SqliteStateStore(config.statePath);
  const events = new EngineEmitter();
  const reporter = createReporter(events, {
    json: values.json === true,
    verbose: values.verbose === true,
    tty: process.stderr.isTTY === true && values.json !== true,
  });
  const results: SyncResult[] = [];
  try {
    for (const sync of syncs) {
      if (stop.signal.aborted) break;
      const result = await runSync({
        sync,
        store,
        events,
        signal: stop.signal,
        file,
        at: `syncs[${config.syncs.indexOf(sync)}]`,
        secrets: config.secrets,
        resolveFrom: [import.meta.url],
        ...(streams ? { streams } : {}),
      });
      results.push(result);
      reporter.finished(result);
      if (result.error?.code === 'internal' && !values.json) printBug(result.cause);
    }
  } finally {
    reporter.close();
    stop.dispose();
    await store.close();
  }
  if (stop.code !== undefined) return stop.code;
  if (results.some((r) => r.status === 'cancelled')) return EXIT.interrupted;
  return results.every((r) => r.status === 'succeeded') ? EXIT.ok : EXIT.failed;
}
