#!/usr/bin/env node
/**
 * Bundles a package's built entry points (the tsc output in dist/) into one file each, in
 * place, with TypeBox inlined. Run from the package folder after `tsc`:
 *
 *   node ../../scripts/bundle.mjs dist/index.js
 *
 * Why: TypeBox 1.x ships about 700 small ES modules, and Node resolves, reads and compiles
 * each one at startup: 350-400 ms a process on the development machine, measured, before a
 * record moves (`tributary sync` of a two-row file took 0.68 s; bundled, 0.30 s). A sync in
 * subprocess mode starts three processes. One file per package loads in tens of ms.
 *
 * Every dependency the package declares stays an import (other @tributary packages, native
 * modules, drivers), so each package still loads once per process and `instanceof` across
 * packages holds. TypeBox schemas are plain JSON Schema objects, so a schema built by one
 * package's copy is compiled by core's as before. The .d.ts files are tsc's, unchanged; the
 * source map goes through tsc's to the TypeScript sources.
 */
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

/** Dependencies copied into the bundle: ESM-only, dependency-free, and many files. */
const INLINE = new Set(['typebox']);

const entries = process.argv.slice(2);
if (entries.length === 0 || entries.includes('--help')) {
  console.log(
    'usage: node scripts/bundle.mjs ENTRY.js [...]  (run in a package folder, after tsc)',
  );
  process.exit(entries.length === 0 ? 2 : 0);
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const declared = Object.keys({
  ...pkg.dependencies,
  ...pkg.devDependencies,
  ...pkg.peerDependencies,
  ...pkg.optionalDependencies,
});
const external = declared.filter((name) => !INLINE.has(name)).flatMap((n) => [n, `${n}/*`]);

for (const entry of entries) {
  await build({
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    external,
    logLevel: 'warning',
  });
}
