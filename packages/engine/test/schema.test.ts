import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { TributaryConfig } from '../src/index.js';

const file = fileURLToPath(new URL('../schema/tributary.schema.json', import.meta.url));

// The published JSON Schema of tributary.yaml is generated from the TypeBox schema; this
// fails when it is stale. Regenerate with `pnpm --filter @tributary/engine schema`.
it('schema/tributary.schema.json matches the TypeBox schema', () => {
  const generated = `${JSON.stringify(
    { $schema: 'http://json-schema.org/draft-07/schema#', ...TributaryConfig },
    null,
    2,
  )}\n`;
  if (process.env.UPDATE_SCHEMA === '1') writeFileSync(file, generated);
  // Compared as data: the formatter may lay the file out its own way.
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(JSON.parse(generated));
});
