import { parseArgs } from 'node:util';
import { ConfigError } from '../errors.js';

/** The commands of the Airbyte protocol, plus the two a state-keeping destination adds. */
export type CommandName =
  | 'spec'
  | 'check'
  | 'discover'
  | 'read'
  | 'write'
  | 'committed-state'
  | 'reset-state';

/** A command line, parsed: the command and the files it names. */
export interface CommandLine {
  command: CommandName | 'help';
  config?: string;
  catalog?: string;
  state?: string;
  /** `reset-state --stream NAME`, repeatable; none means every stream. */
  streams: string[];
}

const NEEDS: Record<CommandName, Array<'config' | 'catalog'>> = {
  spec: [],
  check: ['config'],
  discover: ['config'],
  read: ['config', 'catalog'],
  write: ['config', 'catalog'],
  'committed-state': ['config', 'catalog'],
  'reset-state': ['config', 'catalog'],
};

/** True for a command name this adapter knows. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(NEEDS, name);
}

/**
 * Reads `<command> [--config FILE] [--catalog FILE] [--state FILE]`. A usage mistake is a
 * ConfigError naming the command and the missing or unknown option, so it reaches the
 * caller as a TRACE config_error like any other bad input.
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (error) {
    throw new ConfigError(`bad command line: ${(error as Error).message}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) return { command: 'help', streams: [] };

  const name = positionals[0]!;
  if (!isCommandName(name)) throw new ConfigError(`unknown command '${name}'; see --help`);
  if (positionals.length > 1) {
    throw new ConfigError(`command '${name}': unexpected argument '${positionals[1]}'`);
  }
  const missing = NEEDS[name].filter((option) => !values[option]);
  if (missing.length > 0) {
    throw new ConfigError(
      `command '${name}' needs ${missing.map((option) => `--${option} FILE`).join(' and ')}`,
    );
  }

  const line: CommandLine = { command: name, streams: values.stream ?? [] };
  if (values.config) line.config = values.config;
  if (values.catalog) line.catalog = values.catalog;
  if (values.state) line.state = values.state;
  return line;
}

function parseWith(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      catalog: { type: 'string' },
      state: { type: 'string' },
      stream: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The `--help` text of a connector command, listing only what its role supports. */
export function usage(name: string, role: 'source' | 'destination', keepsState: boolean): string {
  const lines = [
    `${name}: a Tributary ${role} speaking the Airbyte protocol on stdio.`,
    '',
    'Usage:',
    `  ${name} spec`,
    `  ${name} check --config FILE`,
  ];
  if (role === 'source') {
    lines.push(
      `  ${name} discover --config FILE`,
      `  ${name} read --config FILE --catalog FILE [--state FILE]`,
    );
  } else {
    lines.push(`  ${name} write --config FILE --catalog FILE   (messages on stdin)`);
    if (keepsState) {
      lines.push(
        `  ${name} committed-state --config FILE --catalog FILE`,
        `  ${name} reset-state --config FILE --catalog FILE [--stream NAME]...`,
      );
    }
  }
  lines.push(
    '',
    'Output: one JSON protocol message per line on stdout; diagnostics as JSON lines on',
    'stderr. An error is a TRACE ERROR message and exit code 1.',
    '--state accepts an array of STATE messages, one STATE message, or a legacy data blob.',
  );
  return `${lines.join('\n')}\n`;
}
