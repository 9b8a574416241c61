import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  CancelledError,
  ConfigError,
  type ConnectorContext,
  ConnectorError,
  fromTraceError,
  type Logger,
  type Message,
  TributaryError,
} from '@tributary/core';
import type { ConnectorLimits } from '../config/schema.js';
import { isHeapExhaustion, KILL_GRACE_MS, limitedEnv, memoryError, watchLimits } from './limits.js';
import { LineQueue } from './line-queue.js';
import { closeGroup, openGroup, signalGroup } from './process-group.js';
import { readWireLine } from './wire-message.js';

/** How to run one connector as a child process. */
export interface CommandConnectorOptions {
  /** The executable and its leading arguments. */
  argv: string[];
  /** `source` or `destination`, named in every message. */
  role: 'source' | 'destination';
  cwd: string;
  limits?: ConnectorLimits;
  env?: NodeJS.ProcessEnv;
}

/** The JSON inputs of one command, each written to a 0600 temp file named by its option. */
export type CommandInputs = Partial<Record<'config' | 'catalog' | 'state', unknown>>;

const STDERR_TAIL_LINES = 5;
const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * One run of a connector command (`read`, `write`, `check`…): its temp files, its limits,
 * its stderr turned into log events and its stdout as protocol messages. Ends with
 * `failure()`, the error the run stands for: a limit breached first, then the child's last
 * TRACE ERROR, then a non-zero exit or a death by signal.
 */
export class ConnectorProcess {
  readonly stdout: LineQueue;
  readonly label: string;
  /** Where a stdout line comes from, as an error names it. */
  private readonly origin: string;
  lineNumber = 0;
  private lastTrace: TributaryError | undefined;
  /** A bad stdout line met after other messages of its chunk: its rejection comes next. */
  private deferredFailure: Promise<never> | undefined;
  private limitError: TributaryError | undefined;
  private heapExhausted = false;
  private readonly stderrTail: string[] = [];
  private readonly exit: Promise<[number | null, NodeJS.Signals | null]>;
  private readonly unwatch: () => void;
  private readonly onAbort: () => void;
  /** True from the start until `close()`: signals go to the child's process group. */
  private groupOpen = false;
  private readonly stragglerKill: NodeJS.Timeout[] = [];

  private constructor(
    readonly child: ChildProcess,
    private readonly options: CommandConnectorOptions,
    readonly command: string,
    private readonly dir: string,
    private readonly ctx: ConnectorContext,
  ) {
    this.label = `${options.role} command '${options.argv.join(' ')} ${command}'`;
    this.origin = `${this.label} stdout`;
    const started = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    if (child.pid !== undefined) {
      this.groupOpen = true;
      openGroup(child.pid);
    }
    // What the leader started and left behind would hold stdout open and the run with it.
    child.once('exit', () => this.stopGroup());
    this.exit = started.then(
      () => waitExit(child),
      (error: NodeJS.ErrnoException) => {
        throw new ConfigError(`cannot start ${this.label}: ${error.code ?? error.message}`);
      },
    );
    this.exit.catch(() => {});
    this.stdout = new LineQueue(child.stdout!);
    readStderr(child, (line) => this.stderrLine(line, ctx.logger));
    this.unwatch = watchLimits(
      child.pid,
      options.argv,
      options.limits,
      this.label,
      (error) => {
        this.limitError ??= error;
      },
      (signal) => this.kill(signal),
    );
    this.onAbort = () => this.kill('SIGTERM');
    ctx.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Writes the inputs to temp files and starts `argv… command --config F …`. */
  static async start(
    options: CommandConnectorOptions,
    command: string,
    inputs: CommandInputs,
    ctx: ConnectorContext,
    extra: string[] = [],
  ): Promise<ConnectorProcess> {
    const dir = await mkdtemp(path.join(tmpdir(), 'tributary-command-'));
    const args: string[] = [];
    for (const [name, value] of Object.entries(inputs)) {
      if (value === undefined) continue;
      const file = path.join(dir, `${name}.json`);
      // Configs hold secrets: readable by this user only, and removed when the run ends.
      await writeFile(file, JSON.stringify(value), { mode: 0o600 });
      args.push(`--${name}`, file);
    }
    const [exe, ...lead] = options.argv as [string, ...string[]];
    const child = spawn(exe, [...lead, command, ...args, ...extra], {
      cwd: options.cwd,
      env: limitedEnv(options.argv, options.limits, options.env ?? process.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a limit, an abort or a failure stops all it started.
      detached: true,
    });
    return new ConnectorProcess(child, options, command, dir, ctx);
  }

  /**
   * The next protocol message on stdout, undefined at its end. TRACE ERRORs are kept for
   * `failure()` rather than returned: the run's error is thrown once the child is gone.
   */
  async next(): Promise<Message | undefined> {
    for (;;) {
      const line = this.stdout.shift();
      if (line === undefined) {
        if (this.stdout.ended) return undefined;
        await this.stdout.wait();
        continue;
      }
      const message = this.take(line, this.stdout.empty);
      const taken = message instanceof Promise ? await message : message;
      if (taken !== undefined) return taken;
    }
  }

  /**
   * One line of stdout as a message; undefined for a blank line or a TRACE ERROR (kept).
   * A promise only for a bad line, which may be the cut-off of a dying child.
   */
  private take(line: string, lastQueued: boolean): Message | undefined | Promise<never> {
    this.lineNumber += 1;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return undefined;
    let message: Message;
    try {
      message = readWireLine(line, this.lineNumber, this.origin);
    } catch (error) {
      return this.badLine(error, lastQueued);
    }
    if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error) {
      this.lastTrace = fromTraceError(message.trace.error);
      return undefined;
    }
    return message;
  }

  /** A line cut off by the child's death: the death is the failure to report. */
  private async badLine(error: unknown, lastQueued: boolean): Promise<never> {
    const cutOff = lastQueued && this.stdout.ended && this.stdout.truncated && this.stdout.empty;
    throw (cutOff && (await this.failure())) || error;
  }

  /**
   * Every message queued on stdout, at least one, as an array; undefined at the end of
   * stdout. One await per chunk of stdout rather than one per record; TRACE ERRORs are kept
   * for `failure()` as in `next()`.
   */
  async nextBatch(): Promise<Message[] | undefined> {
    if (this.deferredFailure) await this.deferredFailure;
    for (;;) {
      const lines = this.stdout.takeAll();
      if (lines.length === 0) {
        if (this.stdout.ended) return undefined;
        await this.stdout.wait();
        continue;
      }
      const messages: Message[] = [];
      for (let i = 0; i < lines.length; i++) {
        const message = this.take(lines[i]!, i === lines.length - 1);
        if (message instanceof Promise) {
          // The messages before a bad line go on first (a STATE among them gets committed),
          // then its error, as one message at a time would have it.
          if (messages.length === 0) await message;
          this.deferredFailure = message;
          message.catch(() => {});
          break;
        }
        if (message !== undefined) messages.push(message);
      }
      if (messages.length > 0) return messages;
    }
  }

  /** Every message left on stdout, then the run's failure thrown if there is one. */
  async drain(): Promise<Message[]> {
    const messages: Message[] = [];
    for (let m = await this.next(); m !== undefined; m = await this.next()) messages.push(m);
    const failure = await this.failure();
    if (failure) throw failure;
    return messages;
  }

  /** Waits for the child to exit; the error its run stands for, if it failed. */
  async failure(): Promise<TributaryError | undefined> {
    const [code, signal] = await this.exit;
    if (this.limitError) return this.limitError;
    // Stopped on purpose (Ctrl-C, a closed stdout): its death by our SIGTERM is no failure.
    if (this.ctx.signal.aborted) {
      const reason: unknown = this.ctx.signal.reason;
      return reason instanceof TributaryError ? reason : new CancelledError();
    }
    if (this.heapExhausted && this.options.limits?.memory_mib !== undefined) {
      return memoryError(this.label, this.options.limits.memory_mib, 'Node heap limit reached');
    }
    if (this.lastTrace) return this.lastTrace;
    if (code === 0) return undefined;
    const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
    const tail = this.stderrTail.length > 0 ? `: ${this.stderrTail.join(' | ')}` : '';
    return new ConnectorError(`${this.label} ${how}${tail}`, { exitCode: code, signal });
  }

  /** Sends a signal to the child and every process it started, until `close()`. */
  kill(signal: NodeJS.Signals): void {
    if (this.groupOpen && signalGroup(this.child.pid!, signal)) return;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }

  /** SIGTERM to what is left of the group, SIGKILL after a grace. */
  private stopGroup(): void {
    if (!this.groupOpen) return;
    this.kill('SIGTERM');
    this.stragglerKill.push(setTimeout(() => this.kill('SIGKILL'), KILL_GRACE_MS).unref());
  }

  /**
   * Stops the child and all it started if they still run (SIGTERM, SIGKILL after a grace),
   * removes the files.
   */
  async close(): Promise<void> {
    this.ctx.signal.removeEventListener('abort', this.onAbort);
    if (this.child.exitCode === null && this.child.signalCode === null) this.stopGroup();
    await this.exit.catch(() => {});
    // Whatever ignored SIGTERM past the grace is gone now: the run is over.
    if (this.groupOpen) this.kill('SIGKILL');
    for (const timer of this.stragglerKill) clearTimeout(timer);
    this.groupOpen = false;
    if (this.child.pid !== undefined) closeGroup(this.child.pid);
    this.unwatch();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A line of stderr as a log event: the adapter's JSON lines keep their level and fields. */
  private stderrLine(line: string, logger: Logger): void {
    if (line.trim() === '') return;
    if (isHeapExhaustion(line)) this.heapExhausted = true;
    const entry = parseLogLine(line);
    if (entry) {
      const { level, message, meta } = entry;
      logger[level](message, meta);
      if (level === 'error') this.keepTail(message);
      return;
    }
    logger.warn(line, { stream: 'stderr' });
    this.keepTail(line);
  }

  private keepTail(line: string): void {
    this.stderrTail.push(line.length > 200 ? `${line.slice(0, 200)}…` : line);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
  }
}

function waitExit(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode]);
  }
  // 'close' rather than 'exit': stdout and stderr are read to their end first.
  return once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
}

function readStderr(child: ChildProcess, onLine: (line: string) => void): void {
  const queue = new LineQueue(child.stderr!);
  const pump = async () => {
    for (;;) {
      const line = queue.shift();
      if (line !== undefined) {
        onLine(line);
        continue;
      }
      if (queue.ended) return;
      await queue.wait();
    }
  };
  void pump();
}

type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A JSON log line as core's stderr logger writes it, or undefined for any other text. */
function parseLogLine(
  line: string,
): { level: LogLevel; message: string; meta: Record<string, unknown> } | undefined {
  if (!line.startsWith('{')) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!entry || typeof entry !== 'object') return undefined;
  const {
    level,
    message,
    time: _time,
    component: _component,
    ...meta
  } = entry as Record<string, unknown>;
  if (typeof message !== 'string') return undefined;
  const known = typeof level === 'string' && LEVELS.has(level) ? (level as LogLevel) : 'info';
  return { level: known, message, meta };
}
