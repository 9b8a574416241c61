import { Redactor } from '@tributary/engine';

/**
 * The secrets this process has learnt (values filled in from the environment, secret-marked
 * config fields), so the error boundary can mask an error that escaped every other mask.
 */
const known = new Set<string>();

export function rememberSecrets(secrets: Iterable<string>): void {
  for (const secret of secrets) known.add(secret);
}

/** The error with every remembered secret masked in its message and stack. */
export function maskKnownSecrets<E>(error: E): E {
  if (known.size === 0 || !(error instanceof Error)) return error;
  return new Redactor(known).error(error);
}
