import { ConfigError, TributaryError } from '@tributary/core';
import { SyncLockedError } from '@tributary/engine';
import { connectorCommand } from './commands/connector.js';
import { runsCommand } from './commands/runs.js';
import { stateCommand } from './commands/state.js';
import { syncCommand } from './commands/sync.js';
import { EXIT, UsageError } from './exit-codes.js';
import { MAIN_HELP } from './help.js';
import { maskKnownSecrets } from './secrets.js';
import { stdoutClosed, watchStdout } from './stop.js';

const COMMANDS = new Set(['sync', 'spec', 'check', 'discover', 'read', 'state', 'runs']);

/**
 * Runs one `tributary` command and returns its exit code. This is the error boundary: user
 * errors print one line, internal bugs print their stack and ask for a report.
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const verbose = rest.includes('--verbose') || rest.includes('-v');
  watchStdout();
  const code = await run(command, rest, verbose);
  // A reader that left (`| head -1`) ends the command quietly, as a shell expects.
  return stdoutClosed.aborted ? EXIT.pipe : code;
}

async function run(command: string | undefined, rest: string[], verbose: boolean): Promise<number> {
  try {
    switch (command) {
      case 'sync':
        return await syncCommand(rest);
      case 'spec':
      case 'check':
      case 'discover':
      case 'read':
        return await connectorCommand(command, rest);
      case 'state':
        return await stateCommand(rest);
      case 'runs':
        return await runsCommand(rest);
      case 'help':
        if (rest[0] !== undefined && COMMANDS.has(rest[0]))
          return await run(rest[0], ['--help'], false);
        process.stdout.write(MAIN_HELP);
        return EXIT.ok;
      case undefined:
      case '--help':
      case '-h':
        process.stdout.write(MAIN_HELP);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
        process.stdout.write('tributary 0.1.0\n');
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (stdoutClosed.aborted) return EXIT.pipe;
    return reportError(maskKnownSecrets(error), verbose);
  }
}

/** Prints an error the way its kind deserves and returns the exit code. */
export function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof UsageError) {
    process.stderr.write(`error: ${error.message} (see tributary --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`error: ${error.message}\n`);
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return EXIT.usage;
  }
  if (error instanceof TributaryError && error.code !== 'internal') {
    process.stderr.write(`error: ${error.message}\n`);
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`);
    return error instanceof SyncLockedError ? EXIT.failed : EXIT.failed;
  }
  printBug(error);
  return EXIT.failed;
}

/** An error nobody raised on purpose: the stack and a request for a report. */
export function printBug(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(
    `internal error: this is a bug in tributary.\n${text}\n` +
      'Please report it with the command you ran and this output.\n',
  );
}
