import {
  type ConnectionStatus,
  type Connector,
  type ConnectorContext,
  silentLogger,
} from '@tributary/core';
import { expect, it } from 'vitest';
import { schemaProblems, unmarkedSecrets } from './schemas.js';

/** A value, or a function giving it (called once, before the suite's first test). */
export type Lazy<T> = T | (() => T | Promise<T>);

/** Resolves a Lazy value. */
export async function resolve<T>(value: Lazy<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : value;
}

/** A config that must be refused, and the fields the refusal must name. */
export interface InvalidConfig {
  config: unknown;
  /** Paths as core's parseConfig names them, e.g. `config.path` or `config.streams[0].format`. */
  fields: string[];
}

/** A config that validates but cannot work: bad credentials, an unreachable host. */
export interface FailingConfig {
  name: string;
  config: unknown;
  /** What it gets wrong: the suite asks for `credentials` and `unreachable` by default. */
  kind: 'credentials' | 'unreachable' | 'other';
}

/**
 * What a connector truly does not have, each with the reason in a few words; the suite then
 * does not ask for it. Anything not declared here is required, and its absence fails.
 */
export interface Lacks {
  /** Nothing to log in with (local files): no failing config of kind `credentials`. */
  credentials?: string;
  /** Reaches no host: no failing config of kind `unreachable`. */
  network?: string;
}

/** What both suites share: the connector, a working config, and the configs that must fail. */
export interface CommonOptions<C extends Connector> {
  /** The connector object, or `commandSource(bin)` / `commandDestination(bin)`. */
  connector: Lazy<C>;
  config: Lazy<unknown>;
  invalidConfig: InvalidConfig;
  /** Bad credentials and an unreachable host at least, unless `lacks` says why not. */
  failingConfigs: FailingConfig[];
  lacks?: Lacks;
  /** Per test, in milliseconds (default 30000): a bound, never a timing assertion. */
  timeoutMs?: number;
  /** How soon `check` must answer on an invalid or failing config, in ms (default 10000). */
  checkWithinMs?: number;
}

/** The default of `checkWithinMs`: a user waits this long at most to hear a config is bad. */
export const CHECK_WITHIN_MS = 10_000;

/** A fresh context: a signal nobody fires and a logger that drops everything. */
export function testContext(): ConnectorContext {
  return { signal: new AbortController().signal, logger: silentLogger };
}

const STACK_LINE = /\n\s+at .+:\d+/;

/**
 * Runs `check` and returns how it failed: a FAILED status or a thrown user error, both
 * acceptable; a success, an internal error or a message with a stack trace are not.
 */
export async function expectCheckFails(
  connector: Connector,
  config: unknown,
  label: string,
  withinMs = CHECK_WITHIN_MS,
): Promise<string> {
  let status: ConnectionStatus;
  try {
    status = await answerWithin(connector, config, label, withinMs);
  } catch (error) {
    if (error instanceof TooSlow) throw error;
    const e = error as { message?: string; code?: string; failureType?: string; stack?: string };
    expect(
      e.failureType,
      `${label}: check threw ${e.code} instead of a config error: ${e.message}`,
    ).toBe('config_error');
    expect(STACK_LINE.test(e.message ?? ''), `${label}: message holds a stack trace`).toBe(false);
    return e.message ?? '';
  }
  expect(status.status, `${label}: check answered ${status.status}, expected FAILED`).toBe(
    'FAILED',
  );
  const message = status.message ?? '';
  expect(message, `${label}: a FAILED status must say why`).not.toBe('');
  expect(STACK_LINE.test(message), `${label}: message holds a stack trace: ${message}`).toBe(false);
  return message;
}

/** A check that did not answer in time: the test fails with it, not as a bad answer. */
class TooSlow extends Error {}

/**
 * `check` raced against a timer: a user who typed a wrong host or password hears so within
 * `ms`, not after the OS's connect timeout. On time out the check's signal is aborted.
 */
async function answerWithin(
  connector: Connector,
  config: unknown,
  label: string,
  ms: number,
): Promise<ConnectionStatus> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new TooSlow(`${label}: check gave no answer within ${ms} ms; it must fail fast`));
    }, ms);
  });
  const ctx = { ...testContext(), signal: controller.signal };
  try {
    return await Promise.race([connector.check(config, ctx), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The spec and check tests every connector passes, whatever its role. */
export function describeCommonChecks<C extends Connector>(
  options: CommonOptions<C>,
  get: () => { connector: C; config: unknown },
): void {
  it('spec: the config schema compiles and every secret field is marked airbyte_secret', () => {
    const spec = get().connector.spec();
    const schema = spec.connectionSpecification;
    expect(schemaProblems(schema, 'connectionSpecification')).toEqual([]);
    expect(schema.type, 'connectionSpecification.type').toBe('object');
    expect(unmarkedSecrets(schema), 'secret-like fields without airbyte_secret').toEqual([]);
  });

  it('check: a valid config succeeds', async () => {
    const { connector, config } = get();
    const status = await connector.check(config, testContext());
    expect(status, `check of the valid config: ${status.message ?? ''}`).toMatchObject({
      status: 'SUCCEEDED',
    });
  });

  const within = options.checkWithinMs ?? CHECK_WITHIN_MS;

  it('check: an invalid config is refused, naming every bad field', async () => {
    const { config, fields } = options.invalidConfig;
    const message = await expectCheckFails(get().connector, config, 'invalid config', within);
    for (const field of fields) {
      expect(message, `the refusal must name ${field}`).toContain(field);
    }
  });

  it('check: the failing configs cover bad credentials and an unreachable host', () => {
    const kinds = new Set((options.failingConfigs ?? []).map((f) => f.kind));
    const missing: string[] = [];
    if (!options.lacks?.credentials && !kinds.has('credentials')) {
      missing.push("bad credentials (kind 'credentials')");
    }
    if (!options.lacks?.network && !kinds.has('unreachable')) {
      missing.push("an unreachable host (kind 'unreachable')");
    }
    expect(
      missing,
      'failingConfigs must hold these, or lacks.credentials / lacks.network say why not',
    ).toEqual([]);
  });

  for (const failing of options.failingConfigs ?? []) {
    it(`check: ${failing.name} fails fast and cleanly as a config error`, async () => {
      await expectCheckFails(get().connector, failing.config, failing.name, within);
    });
  }
}
