import type { Readable, Writable } from 'node:stream';
import { collectSecrets, redactText } from '../config.js';
import type { Connector, ConnectorContext, Destination, Logger, Source } from '../connector.js';
import { CancelledError, ConfigError, TributaryError, toTraceError } from '../errors.js';
import { hasMessageBatches, MESSAGE_BATCHES } from '../message-batches.js';
import type { ConfiguredCatalog } from '../messages/catalog.js';
import { type Message, trace } from '../messages/message.js';
import { type CommandLine, parseCommandLine, usage } from './args.js';
import { readCatalogFile, readJsonFile, readStateFile } from './files.js';
import { MessageWriter } from './output.js';
import { stderrLogger } from './stderr-logger.js';
import { stdinMessages } from './stdin-messages.js';

/** The streams a command runs on; the process's own when not given. */
export interface CommandIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** Abort the context's signal on SIGTERM and SIGINT (default: only with process streams). */
  handleSignals?: boolean;
}

interface Run {
  connector: Connector;
  line: CommandLine;
  ctx: ConnectorContext;
  out: MessageWriter;
  io: () => CommandIo;
  /** Secret values of the config, masked out of every error text. */
  secrets: string[];
}

/**
 * Runs a Source or Destination as a command speaking the Airbyte protocol on stdio:
 * `spec`, `check`, `discover`, `read`, `write`, and `committed-state` / `reset-state` for a
 * destination that keeps state with its data. Messages go to stdout one JSON line each,
 * diagnostics to stderr as JSON lines. An error becomes a TRACE ERROR message and exit code
 * 1; a bad config makes `check` answer CONNECTION_STATUS FAILED (exit code 0, as Airbyte).
 *
 * Resolves with the exit code; with the process's own streams it also sets
 * `process.exitCode`, and lets the process end on its own so stdout is flushed.
 */
export async function runConnectorCommand(
  connector: Connector,
  argv: readonly string[] = process.argv.slice(2),
  io?: CommandIo,
): Promise<number> {
  const streams = io ? () => io : processIo;
  const stdout = streams().stdout;
  const logger = stderrLogger(streams().stderr, connector.name);
  const controller = new AbortController();
  const out = new MessageWriter(stdout);
  const run: Run = {
    connector,
    line: { command: 'help', streams: [] },
    ctx: { signal: controller.signal, logger },
    out,
    io: streams,
    secrets: [],
  };

  // A reader that went away (EPIPE) stops the work instead of crashing the process.
  const onOutputError = (error: Error) =>
    controller.abort(new CancelledError(`stdout closed: ${error.message}`));
  stdout.on('error', onOutputError);
  const removeSignals = (io?.handleSignals ?? !io) ? watchSignals(controller, logger) : () => {};

  let code: number;
  try {
    run.line = parseCommandLine(argv);
    code = await dispatch(run);
  } catch (error) {
    code = 1;
    await report(run, error);
  } finally {
    removeSignals();
  }
  await out.flush();
  stdout.off('error', onOutputError);
  if (!io) process.exitCode = code;
  return code;
}

function processIo(): CommandIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
}

async function dispatch(run: Run): Promise<number> {
  const { connector, line, out } = run;
  switch (line.command) {
    case 'help':
      run.io().stdout.write(usage(connector.name, connector.role, keepsState(connector)));
      return 0;
    case 'spec':
      await out.send({ type: 'SPEC', spec: connector.spec() });
      return 0;
    case 'check':
      return check(run);
    case 'discover': {
      const source = asSource(connector, 'discover');
      const config = await loadConfig(run);
      await out.send({ type: 'CATALOG', catalog: await source.discover(config, run.ctx) });
      return 0;
    }
    case 'read':
      return read(run, asSource(connector, 'read'));
    case 'write':
      return write(run, asDestination(connector, 'write'));
    case 'committed-state':
      return committedState(run, asDestination(connector, 'committed-state'));
    case 'reset-state':
      return resetState(run, asDestination(connector, 'reset-state'));
  }
}

/** A config that fails validation or a check that throws a user error both answer FAILED. */
async function check(run: Run): Promise<number> {
  let status: Message;
  try {
    const config = await loadConfig(run);
    const result = await run.connector.check(config, run.ctx);
    status = { type: 'CONNECTION_STATUS', connectionStatus: result };
  } catch (error) {
    if (!(error instanceof TributaryError) || error.code === 'internal') throw error;
    const message = redactText(error.message, run.secrets);
    run.ctx.logger.warn('check failed', { code: error.code });
    status = { type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message } };
  }
  await run.out.send(status);
  return 0;
}

async function read(run: Run, source: Source): Promise<number> {
  const config = await loadConfig(run);
  const catalog = await readCatalogFile(run.line.catalog!);
  const states = run.line.state ? await readStateFile(run.line.state, catalog) : [];
  const { signal } = run.ctx;
  const messages = source.read(config, catalog, states, run.ctx);
  if (hasMessageBatches(messages)) {
    // Arrays as the source makes them: one await per array, not one per record.
    const batches = messages[MESSAGE_BATCHES]();
    try {
      for (let r = await batches.next(); !r.done; r = await batches.next()) {
        const full = run.out.sendAll(r.value);
        if (full) await full;
        if (signal.aborted) throw abortReason(signal);
      }
    } finally {
      await batches.return?.();
    }
    return 0;
  }
  for await (const message of messages) {
    const full = run.out.send(message);
    if (full) await full;
    if (signal.aborted) throw abortReason(signal);
  }
  return 0;
}

async function write(run: Run, destination: Destination): Promise<number> {
  const config = await loadConfig(run);
  const catalog = await readCatalogFile(run.line.catalog!);
  const input = stdinMessages(run.io().stdin, run.ctx.signal);
  for await (const message of destination.write(config, catalog, input, run.ctx)) {
    const full = run.out.send(message);
    if (full) await full;
  }
  return 0;
}

async function committedState(run: Run, destination: Destination): Promise<number> {
  const { config, catalog } = await configAndCatalog(run);
  if (!destination.committedState) {
    run.ctx.logger.info('this destination keeps no state with its data');
    return 0;
  }
  for (const state of await destination.committedState(config, catalog, run.ctx)) {
    await run.out.send({ type: 'STATE', state });
  }
  return 0;
}

async function resetState(run: Run, destination: Destination): Promise<number> {
  const { config, catalog } = await configAndCatalog(run);
  if (!destination.resetState) {
    run.ctx.logger.info('this destination keeps no state with its data');
    return 0;
  }
  await destination.resetState(config, catalog, run.line.streams, run.ctx);
  return 0;
}

async function configAndCatalog(
  run: Run,
): Promise<{ config: unknown; catalog: ConfiguredCatalog }> {
  const config = await loadConfig(run);
  return { config, catalog: await readCatalogFile(run.line.catalog!) };
}

/** Reads and validates `--config FILE`, so a bad config is reported before any work. */
async function loadConfig(run: Run): Promise<unknown> {
  const raw = await readJsonFile(run.line.config!, 'config');
  run.secrets = collectSecrets(run.connector.configSchema, raw);
  run.connector.parseConfig(raw);
  return raw;
}

async function report(run: Run, error: unknown): Promise<void> {
  const body = toTraceError(error);
  body.message = redactText(body.message, run.secrets);
  if (body.stack_trace) body.stack_trace = redactText(body.stack_trace, run.secrets);
  const meta: Record<string, unknown> = { code: body.code, failure_type: body.failure_type };
  if (body.stack_trace) meta.stack = body.stack_trace;
  run.ctx.logger.error(body.message, meta);
  await run.out.send(trace({ type: 'ERROR', error: body }));
}

function asSource(connector: Connector, command: string): Source {
  if (connector.role === 'source') return connector;
  throw new ConfigError(`'${command}' is a source command; ${connector.name} is a destination`);
}

function asDestination(connector: Connector, command: string): Destination {
  if (connector.role === 'destination') return connector;
  throw new ConfigError(`'${command}' is a destination command; ${connector.name} is a source`);
}

function keepsState(connector: Connector): boolean {
  return connector.role === 'destination' && typeof connector.committedState === 'function';
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}

/**
 * SIGTERM and SIGINT abort the context's signal so the connector stops between steps and a
 * destination rolls back; a second signal ends the process at once (exit code 130).
 */
function watchSignals(controller: AbortController, logger: Logger): () => void {
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    logger.warn('stopping on signal', { signal: name });
    controller.abort(new CancelledError(`stopped by ${name}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
