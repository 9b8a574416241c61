import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { decodeMessage, encodeMessage, type Message } from '@tributary/core';

/** What a connector command printed and how it ended. */
export interface CommandResult {
  exitCode: number | null;
  /** The signal that ended the child, when one did. */
  signal: NodeJS.Signals | null;
  messages: Message[];
  /** stderr as text: the adapter's JSON log lines. */
  stderr: string;
}

/** What to feed a command and how to start it. */
export interface CommandOptions {
  /** Messages (or raw text, written as is) for the command's stdin. */
  stdin?: Iterable<Message> | AsyncIterable<Message> | string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Runs a connector's built bin (`dist/bin.js`) as a child process with `node`, feeds it
 * stdin with backpressure and collects every protocol message it prints. A line of stdout
 * that is not a message fails with its line number: the adapter must print nothing else.
 */
export async function runConnectorProcess(
  bin: string,
  args: readonly string[],
  options: CommandOptions = {},
): Promise<CommandResult> {
  const child = startConnectorProcess(bin, args, options);
  const messages: Message[] = [];
  const stderr = collectText(child.stderr);
  const feeding = feed(child.stdin, options.stdin);
  let lineNumber = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    lineNumber += 1;
    if (line.trim()) messages.push(decodeMessage(line, lineNumber, `${bin} stdout`));
  }
  const [exitCode, signal] = (await exited(child)) as [number | null, NodeJS.Signals | null];
  await feeding;
  return { exitCode, signal, messages, stderr: await stderr };
}

/** Starts a connector bin with piped stdio, for callers that stream its output themselves. */
export function startConnectorProcess(
  bin: string,
  args: readonly string[],
  options: Pick<CommandOptions, 'env' | 'cwd'> = {},
) {
  return spawn(process.execPath, [bin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
}

/** Resolves with [exitCode, signal] once the child has exited (now or earlier). */
export function exited(child: ReturnType<typeof spawn>): Promise<unknown[]> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve([child.exitCode, child.signalCode]);
  }
  return once(child, 'exit');
}

/**
 * Writes messages to a child's stdin one line each, waiting for `drain` when the pipe is full,
 * then closes it. A child that exits early (EPIPE) just ends the feeding.
 */
export async function feed(stdin: Writable, input: CommandOptions['stdin']): Promise<void> {
  stdin.on('error', () => {});
  try {
    if (typeof input === 'string') {
      if (!stdin.write(input)) await drained(stdin);
    } else if (input) {
      for await (const message of input) {
        if (stdin.destroyed) break;
        if (!stdin.write(encodeMessage(message))) await drained(stdin);
      }
    }
  } finally {
    stdin.end();
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

async function collectText(stream: Readable): Promise<string> {
  stream.setEncoding('utf8');
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}
