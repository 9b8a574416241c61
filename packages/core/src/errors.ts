import type { FailureType, TraceError } from './messages/trace.js';

/** Stable error codes. The engine decides retry or stop from the code, never from text. */
export type ErrorCode =
  | 'config'
  | 'auth'
  | 'rate_limit'
  | 'schema'
  | 'transient'
  | 'destination'
  | 'bad_record'
  | 'cancelled'
  | 'timeout'
  | 'connector'
  | 'internal';

/** Where a failure happened, as far as it is known: every field is optional. */
export interface ErrorContext {
  stream?: string;
  field?: string;
  file?: string;
  line?: number;
  column?: string;
  recordKey?: string;
  [key: string]: unknown;
}

const FAILURE_TYPE: Record<ErrorCode, FailureType> = {
  config: 'config_error',
  auth: 'config_error',
  schema: 'config_error',
  bad_record: 'config_error',
  rate_limit: 'transient_error',
  transient: 'transient_error',
  timeout: 'transient_error',
  destination: 'system_error',
  cancelled: 'system_error',
  connector: 'system_error',
  internal: 'system_error',
};

/**
 * The base of every error Tributary raises on purpose. A user-facing error carries a code,
 * a message that names what is at fault (file, line, stream, field) and never a secret.
 */
export class TributaryError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(
    code: ErrorCode,
    message: string,
    context: ErrorContext = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TributaryError';
    this.code = code;
    this.context = context;
  }

  /** How the Airbyte protocol classifies this failure. */
  get failureType(): FailureType {
    return FAILURE_TYPE[this.code];
  }

  /** True when running the same thing again later may succeed. */
  get retryable(): boolean {
    return this.failureType === 'transient_error';
  }
}

/** A config that does not validate; `issues` lists every bad field by path. */
export class ConfigError extends TributaryError {
  readonly issues: readonly string[];
  constructor(message: string, issues: readonly string[] = [], context: ErrorContext = {}) {
    super('config', issues.length ? `${message}\n  ${issues.join('\n  ')}` : message, context);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Credentials refused by the other side. */
export class AuthError extends TributaryError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super('auth', message, context, options);
    this.name = 'AuthError';
  }
}

/** The other side asked us to slow down; `retryAfterMs` says how long, when it said. */
export class RateLimitError extends TributaryError {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, context: ErrorContext = {}) {
    super('rate_limit', message, context);
    this.name = 'RateLimitError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** Data whose shape the destination may not take under the stream's schema policy. */
export class SchemaError extends TributaryError {
  constructor(message: string, context: ErrorContext = {}) {
    super('schema', message, context);
    this.name = 'SchemaError';
  }
}

/** A network blip, a dropped connection, a deadlock: worth a retry. */
export class TransientError extends TributaryError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super('transient', message, context, options);
    this.name = 'TransientError';
  }
}

/** The destination failed to store data for a reason that is not the record's fault. */
export class DestinationError extends TributaryError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super('destination', message, context, options);
    this.name = 'DestinationError';
  }
}

/**
 * One record that cannot be read or held: malformed input, a missing primary key, a value
 * the column refuses. By the stream's `on_bad_record` it fails the run, or is skipped or
 * kept as a reject with this error's message as the reason.
 */
export class BadRecordError extends TributaryError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super('bad_record', message, context, options);
    this.name = 'BadRecordError';
  }
}

/**
 * A connector failed on its own side: it broke the protocol, exited non-zero, ran over its
 * memory limit or reported a system error without a code. Whoever wrote the connector, this
 * is not a bug of Tributary, so hosts report it as a failed run rather than asking for a
 * bug report.
 */
export class ConnectorError extends TributaryError {
  constructor(message: string, context: ErrorContext = {}, options?: ErrorOptions) {
    super('connector', message, context, options);
    this.name = 'ConnectorError';
  }
}

/** The run was stopped on purpose (Ctrl-C, a time limit). */
export class CancelledError extends TributaryError {
  constructor(message = 'the run was cancelled', context: ErrorContext = {}) {
    super('cancelled', message, context);
    this.name = 'CancelledError';
  }
}

/** Throws a CancelledError when the signal has fired. Call it between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const reason = signal.reason;
    throw reason instanceof TributaryError ? reason : new CancelledError();
  }
}

/** The TRACE error body for an error, with its code and context kept as data. */
export function toTraceError(error: unknown): TraceError {
  if (error instanceof TributaryError) {
    const body: TraceError = {
      message: error.message,
      failure_type: error.failureType,
      code: error.code,
      details: { ...error.context },
    };
    if (error.code === 'internal' && error.stack) body.stack_trace = error.stack;
    if (error.context.stream) body.stream_descriptor = { name: error.context.stream };
    return body;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  const body: TraceError = { message: err.message, failure_type: 'system_error', code: 'internal' };
  if (err.stack) body.stack_trace = err.stack;
  return body;
}

const CODE_BY_FAILURE: Record<FailureType, ErrorCode> = {
  config_error: 'config',
  system_error: 'connector',
  transient_error: 'transient',
};

/**
 * The error a TRACE error stands for, as raised by a connector in another process. Its own
 * bugs (`internal`) and codes we do not know are the connector's failure, by failure type.
 */
export function fromTraceError(trace: TraceError): TributaryError {
  const context = (trace.details as ErrorContext | undefined) ?? {};
  const given = trace.code as ErrorCode | undefined;
  const code =
    given !== undefined && given !== 'internal' && given in FAILURE_TYPE
      ? given
      : (CODE_BY_FAILURE[trace.failure_type ?? 'system_error'] ?? 'connector');
  if (code === 'connector') return new ConnectorError(trace.message, context);
  return new TributaryError(code, trace.message, context);
}
