import type { EngineEmitter, EngineEvents, LogLevel, SyncResult } from '@tributary/engine';
import { EVENT_NAMES, type Reporter, shows } from './reporter.js';

const LEVEL: Partial<Record<keyof EngineEvents, LogLevel>> = {
  'record:rejected': 'warn',
  'sync:failed': 'error',
  'stream:progress': 'debug',
};

/**
 * One JSON object per line on stdout: `{time, level, component, event, message, meta}`.
 * The engine already masked secrets in every payload.
 */
export class JsonReporter implements Reporter {
  private readonly off: Array<() => void> = [];

  constructor(
    events: EngineEmitter,
    private readonly verbose: boolean,
  ) {
    for (const name of EVENT_NAMES) {
      const listener = (payload: unknown) => this.write(name, payload);
      events.on(name, listener as never);
      this.off.push(() => events.off(name, listener as never));
    }
  }

  private write(event: keyof EngineEvents, payload: unknown): void {
    let line: Record<string, unknown>;
    if (event === 'log') {
      const log = payload as Parameters<EngineEvents['log']>[0];
      if (!shows(log.level, this.verbose) && log.level === 'debug') return;
      line = {
        level: log.level,
        component: log.component,
        event,
        message: log.message,
        meta: log.meta ?? {},
      };
    } else {
      line = {
        level: LEVEL[event] ?? 'info',
        component: 'engine',
        event,
        message: event,
        meta: payload,
      };
    }
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
  }

  finished(_result: SyncResult): void {
    // sync:complete / sync:failed already carried the summary.
  }

  close(): void {
    for (const off of this.off) off();
  }
}
