import { EventEmitter } from 'eventemitter3';

/** How one stream of a run went, as far as it got. */
export interface StreamCounts {
  /** Records the source yielded for this stream. */
  read: number;
  /** Records the destination made durable. */
  committed: number;
  /** Records left out and kept in the rejects table. */
  rejected: number;
  /** Records left out with a warning only. */
  skipped: number;
}

/** The final word on one stream. */
export interface StreamSummary extends StreamCounts {
  stream: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  elapsedMs: number;
  /** Null when the stream took too little time for a rate to mean anything (under 10 ms). */
  recordsPerSecond: number | null;
}

/** Levels of the structured log, a closed set. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A structured log line: who said it, what, and a metadata object (never a secret). */
export interface LogEvent {
  level: LogLevel;
  component: string;
  message: string;
  meta?: Record<string, unknown>;
}

/** Outcome of a run. */
export type RunStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';

/**
 * Everything a host can hear from a run. The engine never prints: a CLI, a worker or a
 * dashboard subscribes and decides what to show. Names are namespaced `area:what`.
 */
export interface EngineEvents {
  'sync:start': (e: { sync: string; runId: number; generation: number; streams: string[] }) => void;
  'stream:start': (e: { sync: string; runId: number; stream: string }) => void;
  'stream:progress': (e: {
    sync: string;
    stream: string;
    records: number;
    /** Null while too little time has passed for a rate (under 10 ms). */
    recordsPerSecond: number | null;
    elapsedMs: number;
  }) => void;
  'state:committed': (e: {
    sync: string;
    stream: string;
    generation: number;
    sequence: number;
    committed: number;
  }) => void;
  'schema:change': (e: {
    sync: string;
    stream: string;
    change: string;
    field: string;
    column: string;
    fromType?: string;
    toType: string;
  }) => void;
  'record:rejected': (e: {
    sync: string;
    stream: string;
    policy: 'skip' | 'reject';
    reason: string;
    recordKey?: string;
    by: 'source' | 'engine' | 'destination';
  }) => void;
  log: (e: LogEvent) => void;
  'stream:complete': (e: { sync: string; runId: number; summary: StreamSummary }) => void;
  'sync:complete': (e: {
    sync: string;
    runId: number;
    streams: StreamSummary[];
    elapsedMs: number;
  }) => void;
  'sync:failed': (e: {
    sync: string;
    runId: number;
    status: 'failed' | 'cancelled';
    code: string;
    message: string;
    streams: StreamSummary[];
    elapsedMs: number;
  }) => void;
}

/** The typed emitter a host passes to the engine (or gets from it) to hear a run. */
export class EngineEmitter extends EventEmitter<EngineEvents> {}
