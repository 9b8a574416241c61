import { redactText } from '@tributary/core';

/**
 * Masks every known secret in text that leaves the engine: events, errors, run history,
 * rejects. The secrets are the connectors' secret-marked config values and the values of
 * secret-named variables (`isSecretVariable`), nothing else: a plain value (a path, a year)
 * masked in a cursor would corrupt the state the next run resumes from. A stored state is
 * masked too, so a connector that puts its own credential in a state never gets it written
 * to the store; records travel to the destination untouched.
 */
export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is masked whole.
    this.secrets = [...new Set(secrets)]
      .filter((s) => s.length >= 3)
      .sort((a, b) => b.length - a.length);
  }

  /** True when there is nothing to mask: callers skip the work. */
  get empty(): boolean {
    return this.secrets.length === 0;
  }

  text(value: string): string {
    return this.empty ? value : redactText(value, this.secrets);
  }

  /**
   * The same error with every secret masked in its message, stack, issues and context, for
   * an error that leaves the engine by throwing (a config error) rather than as an event.
   */
  error<E extends Error>(error: E): E {
    if (this.empty) return error;
    const masked = error as E & { issues?: unknown; context?: unknown };
    masked.message = this.text(masked.message);
    if (masked.stack) masked.stack = this.text(masked.stack);
    for (const field of ['issues', 'context'] as const) {
      if (masked[field] !== undefined) {
        Object.defineProperty(masked, field, { value: this.value(masked[field]) });
      }
    }
    return error;
  }

  /** A JSON-safe value with every secret masked (a copy only when one was found). */
  value<T>(value: T): T {
    if (this.empty || value === undefined) return value;
    const json = JSON.stringify(value);
    const masked = redactText(json, this.secrets);
    return masked === json ? value : (JSON.parse(masked) as T);
  }
}
