import type { BadRecordPolicy } from '@tributary/core';
import {
  type ConfiguredStream,
  type FieldPath,
  primaryKeyOf,
  streamKey,
  streamOptions,
} from '@tributary/core';
import type { StreamCounts, StreamSummary } from '../events.js';

/** What the engine tracks about one stream during a run. */
export class StreamRun {
  readonly key: string;
  readonly name: string;
  readonly configured: ConfiguredStream;
  readonly primaryKey: FieldPath[];
  /** Only append_dedup needs a key on every record; checking others would be noise. */
  readonly checkKey: boolean;
  readonly selected: readonly string[] | undefined;
  readonly onBadRecord: BadRecordPolicy;
  readonly counts: StreamCounts = { read: 0, committed: 0, rejected: 0, skipped: 0 };
  /** Records handed to the destination. */
  forwarded = 0;
  /** Records handed on since this stream's last STATE: what the next STATE will cover. */
  uncovered = 0;
  /** Records the destination left out (its REJECT traces). */
  refusedByDestination = 0;
  /** When the source sent this stream's first record; unset until then. */
  firstAt: number | undefined;
  /** When its latest record arrived, or the latest STATE covering records was committed. */
  lastAt: number | undefined;
  /** True while the source's latest record belongs to this stream. */
  active = false;

  constructor(configured: ConfiguredStream) {
    this.configured = configured;
    this.key = streamKey(configured.stream);
    this.name = configured.stream.name;
    this.primaryKey = primaryKeyOf(configured);
    this.checkKey =
      configured.destination_sync_mode === 'append_dedup' && this.primaryKey.length > 0;
    this.selected = configured.selected_fields;
    this.onBadRecord = streamOptions(configured).onBadRecord;
  }

  /**
   * How long this stream took: from its first record to its last one being read or
   * committed, so streams read one after another each get their own time (and rate).
   */
  elapsedMs(now = Date.now()): number {
    if (this.firstAt === undefined) return 0;
    return (this.active ? now : (this.lastAt ?? this.firstAt)) - this.firstAt;
  }

  summary(status: StreamSummary['status'], now = Date.now()): StreamSummary {
    const elapsedMs = this.elapsedMs(now);
    return {
      stream: this.key,
      status,
      ...this.counts,
      elapsedMs,
      recordsPerSecond: rate(this.counts.read, elapsedMs),
    };
  }
}

/**
 * Below this a stream's time is mostly the clock's millisecond steps, and a rate from it is
 * noise (113 records in 0 ms read as "113 records/s"); from here the step is 10% at most.
 * In milliseconds.
 */
export const MIN_RATE_ELAPSED_MS = 10;

/** Records per second, whole; null while too little time has passed to tell. */
export function rate(records: number, elapsedMs: number): number | null {
  if (elapsedMs < MIN_RATE_ELAPSED_MS) return null;
  return Math.round((records * 1000) / elapsedMs);
}
