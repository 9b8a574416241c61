import type { Writable } from 'node:stream';
import type { Logger } from '../connector.js';

type Level = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * A logger writing one JSON object per line to stderr: time, level, component, message and
 * the metadata fields. Structured so the host can parse it; stdout stays protocol only.
 * `TRIBUTARY_LOG_LEVEL` (debug, info, warn, error) sets the least level written.
 */
export function stderrLogger(
  err: Writable,
  component: string,
  minLevel: Level = levelFromEnv(),
): Logger {
  const write = (level: Level, message: string, meta?: Record<string, unknown>) => {
    if (RANK[level] < RANK[minLevel]) return;
    const entry = { time: new Date().toISOString(), level, component, message, ...meta };
    err.write(`${safeJson(entry)}\n`);
  };
  return {
    debug: (message, meta) => write('debug', message, meta),
    info: (message, meta) => write('info', message, meta),
    warn: (message, meta) => write('warn', message, meta),
    error: (message, meta) => write('error', message, meta),
  };
}

function levelFromEnv(): Level {
  const value = process.env.TRIBUTARY_LOG_LEVEL;
  return value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';
}

/** Metadata may hold a bigint or a cycle; a log line must never throw. */
function safeJson(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
  } catch {
    return JSON.stringify({ time: entry.time, level: entry.level, message: entry.message });
  }
}
