import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with its errors turned into usage errors (exit 2). */
export function parse<O extends Options>(
  argv: string[],
  options: O,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(usageMessage(error));
  }
}

/** Options every command shares. */
export const COMMON = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  file: { type: 'string', short: 'f' },
} as const;

/** The config file of a command: --file, else the given positional, else ./tributary.yaml. */
export function configFile(file: string | undefined, positional?: string): string {
  return file ?? positional ?? 'tributary.yaml';
}

/** parseArgs' own messages, shortened to what the user typed wrong. */
function usageMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /'(-{1,2}[^']+)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option '${option}'`;
  return message;
}
