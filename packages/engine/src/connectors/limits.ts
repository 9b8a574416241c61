import * as path from 'node:path';
import { ConnectorError, TributaryError } from '@tributary/core';
import type { ConnectorLimits } from '../config/schema.js';
import { treeResidentMib } from './process-group.js';

/** How often the resident memory of a non-Node command is read, in milliseconds. */
const RSS_POLL_MS = 200;
/** Time a command gets between SIGTERM and SIGKILL once a limit is hit, in milliseconds. */
export const KILL_GRACE_MS = 5000;

/** True when the command runs Node itself, so its heap limit can be set on the command line. */
export function isNodeCommand(argv: readonly string[]): boolean {
  const exe = argv[0] ?? '';
  return exe === process.execPath || /^node(\.exe)?$/.test(path.basename(exe));
}

/**
 * The environment of a command under a memory limit. A Node command gets its heap limit
 * through NODE_OPTIONS (V8 then fails the command cleanly instead of the kernel killing the
 * machine's biggest process); any other executable is watched from outside (`watchLimits`).
 */
export function limitedEnv(
  argv: readonly string[],
  limits: ConnectorLimits | undefined,
  env: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  if (limits?.memory_mib === undefined || !isNodeCommand(argv)) return env;
  const flag = `--max-old-space-size=${limits.memory_mib}`;
  const current = env.NODE_OPTIONS?.trim();
  return { ...env, NODE_OPTIONS: current ? `${current} ${flag}` : flag };
}

/** The error of a command that ran past its time limit. */
export function timeoutError(label: string, seconds: number): TributaryError {
  return new TributaryError(
    'timeout',
    `${label} ran past its time limit (timeout_seconds: ${seconds})`,
    {
      limit: 'timeout_seconds',
      value: seconds,
    },
  );
}

/** The error of a command that used more memory than its limit. */
export function memoryError(label: string, mib: number, how: string): TributaryError {
  return new ConnectorError(`${label} exceeded its memory limit (memory_mib: ${mib}; ${how})`, {
    limit: 'memory_mib',
    value: mib,
  });
}

/**
 * Enforces a command's limits while it runs: the time limit for every command, resident
 * memory of the whole process tree for a command that is not Node (a Node command's heap
 * limit is V8's own). On a breach `onBreach` gets the error, and `kill` (the command's
 * process group) gets SIGTERM, then SIGKILL after a grace period (at once for memory: a
 * process over its memory limit is not given more time). Returns a function that stops
 * watching.
 */
export function watchLimits(
  pid: number | undefined,
  argv: readonly string[],
  limits: ConnectorLimits | undefined,
  label: string,
  onBreach: (error: TributaryError) => void,
  kill: (signal: NodeJS.Signals) => void,
): () => void {
  const timers: NodeJS.Timeout[] = [];

  if (limits?.timeout_seconds !== undefined) {
    const seconds = limits.timeout_seconds;
    const timer = setTimeout(() => {
      onBreach(timeoutError(label, seconds));
      kill('SIGTERM');
      timers.push(setTimeout(() => kill('SIGKILL'), KILL_GRACE_MS).unref());
    }, seconds * 1000);
    timers.push(timer.unref());
  }

  const mib = limits?.memory_mib;
  if (mib !== undefined && !isNodeCommand(argv) && pid !== undefined) {
    let reading = false;
    const poll = setInterval(() => {
      if (reading) return;
      reading = true;
      void treeResidentMib(pid)
        .then((rss) => {
          if (rss === undefined || rss <= mib) return;
          onBreach(memoryError(label, mib, `resident memory reached ${Math.ceil(rss)} MiB`));
          kill('SIGKILL');
        })
        .finally(() => {
          reading = false;
        });
    }, RSS_POLL_MS);
    timers.push(poll.unref());
  }

  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}

/** V8's last words when a heap limit is reached, as Node prints them on stderr. */
export function isHeapExhaustion(line: string): boolean {
  return /JavaScript heap out of memory|Reached heap limit/.test(line);
}
