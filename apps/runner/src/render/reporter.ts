import type { EngineEmitter, EngineEvents, LogLevel, SyncResult } from '@tributary/engine';
import { JsonReporter } from './json.js';
import { TextReporter } from './text.js';

/** What a command needs from a renderer of engine events. */
export interface Reporter {
  /** One sync ended: print its summary. */
  finished(result: SyncResult): void;
  /** Stop listening, clear any live line. */
  close(): void;
}

export interface ReporterOptions {
  json: boolean;
  verbose: boolean;
  tty: boolean;
}

/** --json: JSON lines; a terminal: live progress; otherwise plain lines. */
export function createReporter(events: EngineEmitter, options: ReporterOptions): Reporter {
  return options.json
    ? new JsonReporter(events, options.verbose)
    : new TextReporter(events, options.verbose, options.tty);
}

/** Every event name the engine emits, for reporters that listen to all. */
export const EVENT_NAMES: Array<keyof EngineEvents> = [
  'sync:start',
  'stream:start',
  'stream:progress',
  'state:committed',
  'schema:change',
  'record:rejected',
  'log',
  'stream:complete',
  'sync:complete',
  'sync:failed',
];

/** Whether a log line of this level shows, by --verbose. */
export function shows(level: LogLevel, verbose: boolean): boolean {
  return verbose || level === 'warn' || level === 'error';
}
