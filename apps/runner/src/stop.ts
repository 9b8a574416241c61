import { CancelledError } from '@tributary/core';
import { EXIT } from './exit-codes.js';

const stdoutGone = new AbortController();
let watching = false;

/** Aborted once stdout's reader has gone (`tributary read … | head -1`). */
export const stdoutClosed: AbortSignal = stdoutGone.signal;

/**
 * Turns an EPIPE on stdout into `stdoutClosed` instead of an unhandled 'error' event with
 * a stack: every later write fails the same way and is dropped.
 */
export function watchStdout(): void {
  if (watching) return;
  watching = true;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && !stdoutGone.signal.aborted) throw error;
    // Also when the command has returned already and only its last lines were cut off.
    process.exitCode = EXIT.pipe;
    stdoutGone.abort();
  });
}

/**
 * Why a command stops before its end: Ctrl-C or SIGTERM (a clean stop, what is durable
 * stays; a second signal leaves at once), or stdout's reader leaving. One AbortSignal for
 * the engine and the connectors, whose process groups are stopped through it.
 */
export class Stop {
  private readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  /** The exit code the reason asks for, once stopped. */
  code: number | undefined;

  private readonly onSignal = (name: NodeJS.Signals) => {
    const byCtrlC = name === 'SIGINT';
    const code = byCtrlC ? EXIT.interrupted : EXIT.terminated;
    // A signal after the stop began means "now": leave without waiting for the rollback
    // (the connectors' process groups are killed on the way out).
    if (this.code !== undefined) process.exit(code);
    this.stop(code, new CancelledError(byCtrlC ? 'cancelled by Ctrl-C' : 'cancelled by SIGTERM'));
  };

  private readonly onStdoutClosed = () => {
    this.stop(EXIT.pipe, new CancelledError('stdout was closed'));
  };

  constructor() {
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
    if (stdoutClosed.aborted) this.onStdoutClosed();
    else stdoutClosed.addEventListener('abort', this.onStdoutClosed, { once: true });
  }

  private stop(code: number, reason: CancelledError): void {
    if (this.code !== undefined) return;
    this.code = code;
    this.controller.abort(reason);
  }

  dispose(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    stdoutClosed.removeEventListener('abort', this.onStdoutClosed);
  }
}
