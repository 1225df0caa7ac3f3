// This node's trace (docs/TRACE.md) as JSON Lines, kept for download: the node sends it in chunks.

export class TraceRecorder {
  private chunks: string[] = [];
  private records = 0;
  private cut = false;

  get size(): number {
    return this.records;
  }

  /** Whether the node stopped recording because the trace reached its size limit. */
  get truncated(): boolean {
    return this.cut;
  }

  /** Adds `records` records, as JSON Lines text (each line ending in a newline). */
  append(text: string, records: number, truncated: boolean): void {
    if (text.length > 0) this.chunks.push(text);
    this.records += records;
    this.cut = truncated;
  }

  reset(): void {
    this.chunks = [];
    this.records = 0;
    this.cut = false;
  }

  /** The trace so far, in the pieces the node sent (each whole lines). */
  pieces(): readonly string[] {
    return this.chunks;
  }

  toBlob(): Blob {
    return new Blob(this.chunks, { type: 'application/x-ndjson' });
  }
}
