import { ConfigError } from '@tributary/core';
import { findSync, loadConfig, resetState, SqliteStateStore } from '@tributary/engine';
import { COMMON, parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { STATE_HELP, STATE_RESET_HELP, STATE_SHOW_HELP } from '../help.js';
import { table } from '../render/table.js';
import { assertKnownSync, configOrDefault } from './open-config.js';

/** `tributary state show [SYNC]` and `tributary state reset SYNC [STREAM]`. */
export async function stateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMON);
  const [action, sync, stream, extra] = positionals;
  if (values.help || action === undefined) {
    const help =
      action === 'show' ? STATE_SHOW_HELP : action === 'reset' ? STATE_RESET_HELP : STATE_HELP;
    process.stdout.write(help);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  if (action === 'show') {
    if (stream !== undefined) throw new UsageError(`unexpected argument '${stream}'`);
    return show(values.file, sync, values.json === true);
  }
  if (action === 'reset') {
    if (sync === undefined) throw new UsageError('state reset needs a SYNC');
    return reset(values.file, sync, stream);
  }
  throw new UsageError(`unknown state action '${action}' (show or reset)`);
}

async function show(file: string | undefined, sync: string | undefined, json: boolean) {
  const config = configOrDefault(file);
  const store = new SqliteStateStore(config.statePath);
  try {
    if (sync !== undefined) await assertKnownSync(config, store, sync);
    const names = sync !== undefined ? [sync] : await syncNames(store, config.syncs);
    const rows = [];
    for (const name of names) {
      for (const s of await store.states(name)) rows.push({ sync: name, ...s });
    }
    if (json) {
      process.stdout.write(`${JSON.stringify(rows)}\n`);
      return EXIT.ok;
    }
    if (rows.length === 0) {
      process.stdout.write('no state stored\n');
      return EXIT.ok;
    }
    const cells = rows.map((r) => [
      r.sync,
      r.stream,
      String(r.generation),
      String(r.sequence),
      r.state
        ? JSON.stringify(r.state.stream?.stream_state ?? r.state.global ?? r.state.data)
        : '(reset)',
      r.updatedAt,
    ]);
    process.stdout.write(
      `${table(['sync', 'stream', 'generation', 'sequence', 'state', 'updated'], cells, [false, false, true, true, false, false])}\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

async function syncNames(store: SqliteStateStore, syncs: Array<{ name: string }>) {
  const fromRuns = (await store.runs(undefined, 1000)).map((r) => r.sync);
  return [...new Set([...syncs.map((s) => s.name), ...fromRuns])];
}

async function reset(file: string | undefined, syncName: string, stream: string | undefined) {
  const config = loadConfig(file ?? 'tributary.yaml');
  const sync = findSync(config, syncName);
  if (stream !== undefined && !sync.streams.some((s) => s.name === stream)) {
    throw new ConfigError(`${config.file}: sync '${syncName}' has no stream '${stream}'`);
  }
  const store = new SqliteStateStore(config.statePath);
  try {
    const position = await resetState({
      sync,
      store,
      file: config.file,
      at: `syncs[${config.syncs.indexOf(sync)}]`,
      secrets: config.secrets,
      resolveFrom: [import.meta.url],
      ...(stream === undefined ? {} : { streams: [stream] }),
    });
    const what =
      stream === undefined ? `sync '${syncName}'` : `stream '${stream}' of sync '${syncName}'`;
    process.stdout.write(`state of ${what} reset (generation ${position.generation})\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
