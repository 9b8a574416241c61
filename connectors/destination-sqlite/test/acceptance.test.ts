import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandDestination, describeDestinationAcceptance } from '@tributary/testing';
import Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import destination from '../src/index.js';

// The acceptance suite of @tributary/testing against this connector, in process and through
// its built bin (run `pnpm --filter @tributary/destination-sqlite build` first).

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function freshConfig() {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-acc-sqlite-'));
  dirs.push(dir);
  return { path: join(dir, 'out.db') };
}

async function readTable(config: unknown, table: string) {
  const db = new Database((config as { path: string }).path, { readonly: true });
  try {
    return db.prepare(`SELECT * FROM "${table.replaceAll('"', '""')}"`).all() as Array<
      Record<string, unknown>
    >;
  } finally {
    db.close();
  }
}

const common = {
  invalidConfig: {
    config: { path: 7, synchronous: 'sometimes' },
    fields: ['config.path', 'config.synchronous'],
  },
  failingConfigs: [
    {
      name: 'a database under a plain file',
      config: { path: fileURLToPath(new URL('../package.json/out.db', import.meta.url)) },
      kind: 'other' as const,
    },
  ],
  lacks: { credentials: 'a local database file', network: 'a local database file' },
  readTable,
};

describeDestinationAcceptance({
  name: 'destination-sqlite (in process)',
  connector: destination,
  config: freshConfig,
  ...common,
});

describeDestinationAcceptance({
  name: 'destination-sqlite (bin)',
  connector: commandDestination(bin),
  config: freshConfig,
  ...common,
});
