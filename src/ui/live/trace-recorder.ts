// This node's trace (docs/TRACE.md) as JSON Lines, kept for download; bounded in size.

import { traceLine, type TraceRecord } from '../../runtime/trace';

export class TraceRecorder {
  private lines: string[] = [];
  private dropped = 0;

  constructor(private readonly maxRecords: number) {}

  get size(): number {
    return this.lines.length;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  add(record: TraceRecord): void {
    if (this.lines.length < this.maxRecords) this.lines.push(traceLine(record));
    else this.dropped += 1;
  }

  reset(): void {
    this.lines = [];
    this.dropped = 0;
  }

  toBlob(): Blob {
    return new Blob(this.lines.length > 0 ? [this.lines.join('\n'), '\n'] : [], { type: 'application/x-ndjson' });
  }
}
