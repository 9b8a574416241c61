import { redactText } from '@tributary/core';

/**
 * Masks every known secret in text that leaves the engine: events, run history, rejects,
 * stored states. The secrets are the connectors' secret-marked config values and every value
 * filled in from the environment.
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

  /** A JSON-safe value with every secret masked (a copy only when one was found). */
  value<T>(value: T): T {
    if (this.empty || value === undefined) return value;
    const json = JSON.stringify(value);
    const masked = redactText(json, this.secrets);
    return masked === json ? value : (JSON.parse(masked) as T);
  }
}
