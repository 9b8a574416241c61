import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// The acceptance suite run on small real sources (test/suite-fixtures), as a connector's own
// vitest file runs it: what a connector leaves out fails with a message saying what to give,
// and only what it declares it lacks is skipped.

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'suite-fixtures');
const VITEST = path.join(here, '../node_modules/vitest/vitest.mjs');

interface Outcome {
  status: string;
  message: string;
}
const outcomes = new Map<string, Outcome>();

beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-suite-'));
  try {
    const report = path.join(dir, 'report.json');
    spawnSync(
      process.execPath,
      [VITEST, 'run', '--config', 'vitest.config.ts', '--reporter=json', `--outputFile=${report}`],
      { cwd: fixtures, encoding: 'utf8', timeout: 120_000, env: { ...process.env, CI: '' } },
    );
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      testResults: Array<{
        assertionResults: Array<{ fullName: string; status: string; failureMessages: string[] }>;
      }>;
    };
    for (const file of json.testResults) {
      for (const test of file.assertionResults) {
        const message = (test.failureMessages[0] ?? '').split('\n')[0] ?? '';
        outcomes.set(test.fullName.replace('source acceptance: ', ''), {
          status: test.status,
          message,
        });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 150_000);

/** Every test of one suite call, by the test's name without the suite's. */
function suite(name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [full, outcome] of outcomes) {
    if (!full.startsWith(`${name} `)) continue;
    out[full.slice(name.length + 1)] = outcome.status;
  }
  return out;
}

function outcome(name: string): Outcome | undefined {
  return outcomes.get(name);
}

const RESUME =
  'read: an incremental read from the last state gives exactly the records added or changed since';
const STATES = 'read: STATE messages name configured streams and their cursor never goes back';
const FUTURE = 'read: a state far in the future gives no records';
const COVER = 'check: the failing configs cover bad credentials and an unreachable host';

describe('the acceptance suite', () => {
  it('passes a source that gives everything, a changed record included', () => {
    const tests = suite('complete');
    expect(Object.keys(tests)).toHaveLength(12);
    expect(Object.entries(tests).filter(([, status]) => status !== 'passed')).toEqual([]);
  });

  it('fails an incremental source without mutate, naming it', () => {
    expect(outcome(`incomplete ${RESUME}`)).toEqual({
      status: 'failed',
      message:
        'AssertionError: mutate is required for a source with incremental streams: it adds ' +
        'and changes records: expected undefined to be defined',
    });
  });

  it('fails a connector without failing configs for bad credentials and an unreachable host', () => {
    expect(outcome(`incomplete ${COVER}`)).toEqual({
      status: 'failed',
      message:
        'AssertionError: failingConfigs must hold these, or lacks.credentials / ' +
        'lacks.network say why not: expected [ …(2) ] to deeply equal []',
    });
  });

  it('fails a full-refresh source that does not declare it lacks incremental streams', () => {
    for (const test of [STATES, FUTURE, RESUME]) {
      expect(outcome(`undeclared full refresh ${test}`)).toEqual({
        status: 'failed',
        message:
          'AssertionError: no stream of the catalog is read incrementally: configure one, or ' +
          'declare lacks.incremental with the reason: expected 0 to be greater than 0',
      });
    }
  });

  it('fails a mutate that only appends where the source can change a record', () => {
    expect(outcome(`append-only ${RESUME}`)).toEqual({
      status: 'failed',
      message:
        "AssertionError: stream 'entries': mutate must change a record already read (same " +
        'primary key, a later cursor), or lacks.changes say why the source cannot: expected ' +
        'false to be true // Object.is equality',
    });
  });

  it('fails a check that answers a failing config too slowly', () => {
    expect(
      outcome('slow-check check: a slow refusal fails fast and cleanly as a config error'),
    ).toEqual({
      status: 'failed',
      message: 'Error: a slow refusal: check gave no answer within 1000 ms; it must fail fast',
    });
  });

  it('skips only what a connector declares it lacks', () => {
    const tests = suite('declared');
    expect(Object.entries(tests).filter(([, status]) => status === 'failed')).toEqual([]);
    expect(
      Object.entries(tests)
        .filter(([, status]) => status === 'skipped')
        .map(([name]) => name),
    ).toEqual([STATES, FUTURE, RESUME]);
  });
});
