/** The command's exit codes: scripts and schedulers branch on these. */
export const EXIT = {
  ok: 0,
  /** A sync failed, or an internal error. */
  failed: 1,
  /** Bad config or bad usage: running again unchanged will not help. */
  usage: 2,
  /** Stopped by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
  /** Stopped by SIGTERM (128 + SIGTERM). */
  terminated: 143,
  /** stdout's reader left (128 + SIGPIPE), as a shell expects of `… | head -1`. */
  pipe: 141,
} as const;

/** Bad command-line usage: printed as one line with a hint, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
