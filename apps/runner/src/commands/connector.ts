import { readFileSync } from 'node:fs';
import {
  ConfigError,
  type Connector,
  collectSecrets,
  type Destination,
  encodeMessage,
  type Message,
  type Source,
} from '@tributary/core';
import {
  findSync,
  interpolateEnv,
  loadCheckedConfig,
  loadConnector,
  Redactor,
  SyncConnectors,
} from '@tributary/engine';
import { parse as parseYaml } from 'yaml';
import { COMMON, configFile, parse } from '../args.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { CONNECTOR_HELP } from '../help.js';
import { rememberSecrets } from '../secrets.js';
import { Stop } from '../stop.js';

type Method = 'spec' | 'check' | 'discover' | 'read';

/** `tributary spec|check|discover|read`: one method of one connector; output is JSON. */
export async function connectorCommand(method: Method, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...COMMON,
    sync: { type: 'string' },
    source: { type: 'boolean' },
    destination: { type: 'boolean' },
    package: { type: 'string' },
    config: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(CONNECTOR_HELP);
    return EXIT.ok;
  }
  if (values.source && values.destination) throw new UsageError('pick --source or --destination');
  const role = values.destination ? 'destination' : 'source';
  if ((method === 'discover' || method === 'read') && role === 'destination') {
    throw new UsageError(`${method} is for sources only`);
  }
  if (values.package !== undefined) {
    return standalone(method, values.package, values.config, values.destination === true);
  }
  if (values.config !== undefined) throw new UsageError('--config goes with --package');

  const file = configFile(values.file, positionals[0]);
  const config = await loadCheckedConfig(file, { resolveFrom: [import.meta.url] });
  rememberSecrets(config.secrets);
  const sync = findSync(config, values.sync);
  const stop = new Stop();
  try {
    const connectors = await SyncConnectors.open(sync, {
      file,
      at: `syncs[${config.syncs.indexOf(sync)}]`,
      secrets: config.secrets,
      resolveFrom: [import.meta.url],
      signal: stop.signal,
    });
    try {
      if (method === 'spec') return print(connectors.spec(role));
      if (method === 'check') return status(await connectors.check(role));
      if (method === 'discover') return print(await connectors.discover());
      return await emit(connectors.read(), stop);
    } catch (error) {
      throw error instanceof Error ? connectors.prepared.redactor.error(error) : error;
    }
  } finally {
    stop.dispose();
  }
}

/** Writes a read's messages to stdout until its end or a stop (Ctrl-C, stdout closed). */
async function emit(messages: AsyncIterable<Message>, stop: Stop): Promise<number> {
  try {
    for await (const message of messages) {
      // Leaving the loop closes the read: its source (or its process group) stops.
      if (stop.signal.aborted) break;
      process.stdout.write(encodeMessage(message));
    }
  } catch (error) {
    // A source stopped by us ends with its cancellation: the stop's reason is the answer.
    if (stop.code === undefined) throw error;
  }
  return stop.code ?? EXIT.ok;
}

async function standalone(
  method: Method,
  packageName: string,
  configPath: string | undefined,
  destination: boolean,
): Promise<number> {
  const options = { resolveFrom: [import.meta.url] };
  const connector: Connector =
    destination || method === 'check' || method === 'spec'
      ? await loadEither(packageName, destination, options)
      : await loadConnector(packageName, 'source', options);
  if (method === 'spec') return print(connector.spec());

  const raw = configPath === undefined ? { value: {}, secrets: [] } : readConfigFile(configPath);
  rememberSecrets([...raw.secrets, ...collectSecrets(connector.configSchema, raw.value)]);
  const config = connector.parseConfig(raw.value);
  const redactor = new Redactor([
    ...raw.secrets,
    ...collectSecrets(connector.configSchema, config),
  ]);
  rememberSecrets(collectSecrets(connector.configSchema, config));
  const stop = new Stop();
  try {
    const ctx = { signal: stop.signal, logger: stderrLogger(redactor) };
    if (method === 'check') return status(await connector.check(config, ctx));
    const source = connector as Source;
    const catalog = await source.discover(config, ctx);
    if (method === 'discover') return print(catalog);
    const configured = {
      streams: catalog.streams.map((stream) => ({
        stream,
        sync_mode: 'full_refresh' as const,
        destination_sync_mode: 'append' as const,
      })),
    };
    return await emit(source.read(config, configured, [], ctx), stop);
  } finally {
    stop.dispose();
  }
}

async function loadEither(
  name: string,
  destination: boolean,
  options: { resolveFrom: string[] },
): Promise<Source | Destination> {
  if (destination) return loadConnector(name, 'destination', options);
  try {
    return await loadConnector(name, 'source', options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return loadConnector(name, 'destination', options);
  }
}

function readConfigFile(file: string): { value: unknown; secrets: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`${file}: cannot read it`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch {
    throw new ConfigError(`${file}: not valid JSON or YAML`);
  }
  const filled = interpolateEnv(parsed, process.env);
  if (filled.missing.length > 0) {
    throw new ConfigError(
      `${file}: invalid config`,
      filled.missing.map((m) => `${m.path}: environment variable ${m.name} is not set`),
    );
  }
  return { value: filled.value, secrets: filled.secrets };
}

function stderrLogger(redactor: Redactor) {
  const write = (level: string) => (message: string) => {
    if (level === 'debug') return;
    process.stderr.write(`${level} ${redactor.text(message)}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

function print(value: unknown): number {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}

function status(result: { status: string; message?: string }): number {
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return result.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
}
