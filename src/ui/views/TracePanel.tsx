// Traces: download this tab's run as JSON Lines, or open a trace file to replay it.

import type { ChangeEvent } from 'react';
import { formatCount } from '../format';
import { useController } from '../services';
import { usePanelStore } from '../hooks';
import { useStore } from '../store';

export function TracePanel() {
  const controller = useController();
  const records = usePanelStore((s) => s.traceRecords);
  const truncated = usePanelStore((s) => s.traceTruncated);
  const run = useStore((s) => s.run);
  const selfId = useStore((s) => s.selfId);
  const download = (): void => {
    const live = controller.live;
    if (!live || live.trace.size === 0) return;
    const url = URL.createObjectURL(live.trace.toBlob());
    const link = document.createElement('a');
    link.href = url;
    link.download = `chatterbox-${live.config.room}-${selfId ?? 'node'}-${run?.runId.slice(0, 8) ?? 'run'}.jsonl`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const open = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) void controller.openTrace(file);
  };
  return (
    <div className="trace-panel">
      <button type="button" data-testid="trace-download" onClick={download} disabled={records === 0}>
        Download this node’s trace{records > 0 ? ` (${formatCount(records)} records)` : ''}
      </button>
      {truncated && <span className="muted">The trace stopped recording at {formatCount(records)} records.</span>}
      <label className="file-button">
        <input type="file" data-testid="trace-open" accept=".jsonl,.ndjson,.json,.txt,application/x-ndjson" onChange={open} aria-label="Open a trace file to replay" />
        <span>Open a trace to replay…</span>
      </label>
      <p className="muted small-print">
        JSON Lines from a tab, <code>chatterbox node --trace</code> or <code>chatterbox sim --trace</code> (docs/TRACE.md). A replay re-runs each node’s recorded inputs through the protocol’s reducer.
      </p>
    </div>
  );
}
