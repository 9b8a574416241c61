import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandSource, describeSourceAcceptance } from '@tributary/testing';
import { afterAll } from 'vitest';
import source from '../src/index.js';

// The acceptance suite of @tributary/testing against this connector, in process and through
// its built bin (run `pnpm --filter @tributary/source-file build` first). Each run gets its
// own CSV file.

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

function fixture() {
  let file = '';
  const config = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tributary-acc-file-'));
    dirs.push(dir);
    file = join(dir, 'orders.csv');
    await writeFile(file, 'id,amount,updated_at\n1,10.50,1\n2,3.25,2\n3,4.00,2\n');
    return {
      streams: [{ name: 'orders', path: file, primary_key: ['id'], cursor_field: 'updated_at' }],
    };
  };
  const mutate = {
    // Order 1 changed (a later cursor), one record sharing the last cursor value (2) and one
    // past it: the file rewritten as an export of the changed data would be.
    async changeSource() {
      await writeFile(
        file,
        'id,amount,updated_at\n1,12.00,3\n2,3.25,2\n3,4.00,2\n4,1.00,2\n5,7.75,3\n',
      );
      return {
        orders: [
          { id: 1, amount: '12.00', updated_at: 3 },
          { id: 4, amount: '1.00', updated_at: 2 },
          { id: 5, amount: '7.75', updated_at: 3 },
        ],
      };
    },
  };
  return { config, mutate };
}

const common = {
  invalidConfig: {
    config: { streams: [{ name: 5, path: 'x.csv', format: 'xml' }] },
    fields: ['config.streams[0].name', 'config.streams[0].format'],
  },
  failingConfigs: [
    {
      name: 'a missing file',
      config: { streams: [{ name: 'orders', path: join(tmpdir(), 'tributary-no-such.csv') }] },
      kind: 'other' as const,
    },
  ],
  lacks: { credentials: 'reads local files', network: 'reads local files' },
  expectedPrimaryKeys: { orders: [['id']] },
  expectedRecords: {
    orders: [
      { id: 1, amount: '10.50', updated_at: 1 },
      { id: 2, amount: '3.25', updated_at: 2 },
      { id: 3, amount: '4.00', updated_at: 2 },
    ],
  },
};

const inProcess = fixture();
describeSourceAcceptance({
  name: 'source-file (in process)',
  connector: source,
  ...common,
  config: inProcess.config,
  mutate: inProcess.mutate,
});

const outOfProcess = fixture();
describeSourceAcceptance({
  name: 'source-file (bin)',
  connector: commandSource(bin),
  ...common,
  config: outOfProcess.config,
  mutate: outOfProcess.mutate,
});
