import { type EngineEmitter, type EngineEvents, rate, type SyncResult } from '@tributary/engine';
import { type Reporter, shows } from './reporter.js';
import { perSecond, records, seconds, summaryTable } from './table.js';

type Progress = Parameters<EngineEvents['stream:progress']>[0];

/**
 * Human output. On a terminal, one live line per stream (records, records/s, elapsed) redrawn
 * in place on stderr; elsewhere, plain lines. Either way the summary table goes to stdout.
 */
export class TextReporter implements Reporter {
  private readonly off: Array<() => void> = [];
  private readonly live = new Map<string, Progress>();
  private drawn = 0;

  constructor(
    private readonly events: EngineEmitter,
    private readonly verbose: boolean,
    private readonly tty: boolean,
  ) {
    this.on('sync:start', (e) => {
      this.live.clear();
      this.drawn = 0;
      this.say(`sync ${e.sync}: run ${e.runId}, streams ${e.streams.join(', ')}`);
    });
    this.on('stream:progress', (e) => {
      this.live.set(e.stream, e);
      if (this.tty) this.redraw();
    });
    this.on('state:committed', (e) => {
      if (!this.tty) this.say(`  ${e.stream}: state committed (${records(e.committed)})`);
    });
    this.on('schema:change', (e) => {
      this.say(
        `  ${e.stream}: ${e.change.replace('_', ' ')} ${e.column} (${e.fromType ?? 'new'} → ${e.toType})`,
      );
    });
    this.on('record:rejected', (e) => {
      const key = e.recordKey ? ` ${e.recordKey}` : '';
      this.say(
        `  ${e.stream}: ${e.policy === 'skip' ? 'skipped' : 'rejected'} record${key}: ${e.reason}`,
      );
    });
    this.on('log', (e) => {
      if (!shows(e.level, this.verbose)) return;
      if (e.level === 'warn' && e.message.startsWith('skipped a record')) return;
      const meta = formatMeta(e.meta);
      this.say(`  ${e.level} [${e.component}] ${e.message}${meta ? ` ${meta}` : ''}`);
    });
    this.on('sync:failed', (e) => {
      this.say(`sync ${e.sync} ${e.status}: ${e.message}`);
    });
  }

  private on<K extends keyof EngineEvents>(name: K, listener: EngineEvents[K]): void {
    this.events.on(name, listener as never);
    this.off.push(() => this.events.off(name, listener as never));
  }

  /** A line above the live block: clear the block, print, draw it again. */
  private say(text: string): void {
    this.clear();
    process.stderr.write(`${text}\n`);
    if (this.tty) this.redraw();
  }

  private clear(): void {
    if (!this.tty || this.drawn === 0) return;
    process.stderr.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private redraw(): void {
    this.clear();
    for (const p of this.live.values()) {
      process.stderr.write(
        `  ${p.stream}: ${records(p.records)}, ${perSecond(p.recordsPerSecond)} records/s, ${seconds(p.elapsedMs)}\n`,
      );
    }
    this.drawn = this.live.size;
  }

  finished(result: SyncResult): void {
    this.clear();
    this.live.clear();
    process.stdout.write(`${summaryTable(result.streams)}\n`);
    const verdict = result.status === 'succeeded' ? 'succeeded' : result.status;
    // The whole run's speed, start-up included: shown even when every stream was too short
    // to time on its own (the table's "—").
    const read = result.streams.reduce((n, s) => n + s.read, 0);
    const speed = read > 0 ? rate(read, result.elapsedMs) : null;
    const overall = speed === null ? '' : `, ${records(read)} at ${speed} records/s overall`;
    const took = `in ${seconds(result.elapsedMs)} (run ${result.runId})`;
    process.stdout.write(`sync ${result.sync} ${verdict} ${took}${overall}\n`);
  }

  close(): void {
    this.clear();
    for (const off of this.off) off();
  }
}

/**
 * A log event's metadata as `key=value` pairs, in their order: where a warning points (stream,
 * field, file, line, types) stays on its line. Strings with spaces, quotes or `=` are quoted.
 */
export function formatMeta(meta: Record<string, unknown> | undefined): string {
  if (!meta) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(meta)) {
    if (value === undefined) continue;
    pairs.push(`${key}=${formatValue(value)}`);
  }
  return pairs.join(' ');
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"'=]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}
