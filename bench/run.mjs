#!/usr/bin/env node
// `pnpm bench [CASE…] [--runs N]`: runs benchmark cases one after another (never in parallel:
// the machine has two cores), each against its reference tool in the same run, and prints one
// line a script can read per case:
//   bench CASE rows=N seconds=S ref=REFERENCE ratio=R peak_rss_mib=M
// with seconds and ratio the medians over the runs (ratio = our time / the reference's time).
import { parseArgs } from 'node:util';
import { cases } from './cases/index.mjs';
import { measure, median } from './measure.mjs';

const HELP = `usage: pnpm bench [CASE...] [--runs N] [--list]

Runs every benchmark case (or the named ones) one after another, each with its reference
tool in the same run, and prints per case:
  bench CASE rows=N seconds=S ref=REFERENCE ratio=R peak_rss_mib=M
Cases marked "on request" run only when named. Inputs are generated from a fixed seed and
cached in bench/.cache (outside git). Build first: pnpm build.

options:
  --runs N   runs per case and per side, the median is reported (default 3)
  --list     list the cases and exit
  --help     this text`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    list: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.list) {
  for (const c of cases)
    console.log(`${c.name}${c.onRequest ? ' (on request)' : ''}: ${c.description}`);
  process.exit(0);
}

const unknown = positionals.filter((name) => !cases.some((c) => c.name === name));
if (unknown.length) {
  console.error(`bench: unknown case ${unknown.join(', ')}; --list shows them`);
  process.exit(2);
}
const selected = positionals.length
  ? cases.filter((c) => positionals.includes(c.name))
  : cases.filter((c) => !c.onRequest);
const runs = Math.max(1, Number(values.runs));

let failed = 0;
for (const benchCase of selected) {
  try {
    const ctx = await benchCase.setup();
    if (ctx.skip) {
      console.log(`bench ${benchCase.name} skipped: ${ctx.skip}`);
      continue;
    }
    const ours = [];
    const reference = [];
    for (let i = 0; i < runs; i++) {
      await benchCase.beforeReference?.(ctx);
      reference.push(await measure(benchCase.reference(ctx), { cwd: ctx.cwd }));
      await benchCase.beforeOurs?.(ctx);
      const result = await measure(benchCase.ours(ctx), { cwd: ctx.cwd });
      await benchCase.verify(ctx);
      ours.push(result);
      process.stderr.write(
        `  ${benchCase.name} run ${i + 1}/${runs}: ours ${result.seconds.toFixed(2)} s, ` +
          `${benchCase.referenceName} ${reference[i].seconds.toFixed(2)} s, ` +
          `peak ${result.peakRssMib.toFixed(0)} MiB\n`,
      );
    }
    const seconds = median(ours.map((r) => r.seconds));
    const refSeconds = median(reference.map((r) => r.seconds));
    const peak = Math.max(...ours.map((r) => r.peakRssMib));
    console.log(
      `bench ${benchCase.name} rows=${ctx.rows} seconds=${seconds.toFixed(3)} ` +
        `ref=${benchCase.referenceName} ratio=${(seconds / refSeconds).toFixed(2)} ` +
        `peak_rss_mib=${peak.toFixed(0)}`,
    );
  } catch (error) {
    failed++;
    console.log(
      `bench ${benchCase.name} failed: ${error instanceof Error ? error.message : error}`,
    );
  }
}
process.exit(failed ? 1 : 0);
