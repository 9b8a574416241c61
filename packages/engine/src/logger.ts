import type { Logger } from '@tributary/core';
import type { EngineEmitter, LogLevel } from './events.js';
import type { Redactor } from './redact.js';

/** A core Logger that turns each call into a redacted `log` event of one component. */
export function eventLogger(events: EngineEmitter, component: string, redactor: Redactor): Logger {
  const emit = (level: LogLevel) => (message: string, meta?: Record<string, unknown>) => {
    const event: Parameters<typeof events.emit<'log'>>[1] = {
      level,
      component,
      message: redactor.text(message),
    };
    if (meta !== undefined) event.meta = redactor.value(meta);
    events.emit('log', event);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
