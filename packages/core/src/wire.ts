import { ConnectorError } from './errors.js';
import type { Message } from './messages/message.js';

const MESSAGE_TYPES = new Set([
  'RECORD',
  'STATE',
  'LOG',
  'TRACE',
  'SPEC',
  'CATALOG',
  'CONNECTION_STATUS',
  'CONTROL',
]);

const PAYLOAD_KEY: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  TRACE: 'trace',
  SPEC: 'spec',
  CATALOG: 'catalog',
  CONNECTION_STATUS: 'connectionStatus',
  CONTROL: 'control',
};

/** One message as one line of JSON, newline included. */
export function encodeMessage(message: Message): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Reads one line of a connector's output. A line that is not a protocol message is an error
 * that names where it came from and its line number, with the start of the line.
 */
export function decodeMessage(
  line: string,
  lineNumber: number,
  origin = 'connector output',
): Message {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw malformed(line, lineNumber, origin, 'not JSON');
  }
  if (!parsed || typeof parsed !== 'object')
    throw malformed(line, lineNumber, origin, 'not an object');
  const type = (parsed as { type?: unknown }).type;
  if (typeof type !== 'string' || !MESSAGE_TYPES.has(type)) {
    throw malformed(line, lineNumber, origin, `unknown message type ${JSON.stringify(type)}`);
  }
  const payload = (parsed as Record<string, unknown>)[PAYLOAD_KEY[type]!];
  if (!payload || typeof payload !== 'object') {
    throw malformed(
      line,
      lineNumber,
      origin,
      `${type} message without its '${PAYLOAD_KEY[type]}' body`,
    );
  }
  return parsed as Message;
}

/** A line that breaks the protocol: the failure of whoever wrote it, not of the reader. */
function malformed(line: string, lineNumber: number, origin: string, why: string): ConnectorError {
  const excerpt = line.length > 120 ? `${line.slice(0, 120)}…` : line;
  return new ConnectorError(`${origin}, line ${lineNumber}: ${why}: ${excerpt}`, {
    line: lineNumber,
  });
}
