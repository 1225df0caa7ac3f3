// Traces: download this tab's run (in the sandbox: the whole cluster's) as JSON Lines, or open a
// trace file to replay it.

import type { ChangeEvent } from 'react';
import { formatCount } from '../format';
import { useController } from '../services';
import { usePanel } from '../hooks';
import { useStore } from '../store';

export function TracePanel() {
  const controller = useController();
  // This tab's own run, also while a trace file is shown.
  const records = usePanel(() => controller.live?.history.ownTrace.size ?? 0);
  const truncated = usePanel(() => controller.live?.history.ownTrace.truncated ?? false);
  const runId = usePanel(() => controller.live?.history.run?.runId ?? null);
  const selfId = useStore((s) => s.selfId);
  const download = (): void => {
    const live = controller.live;
    const trace = live?.history.ownTrace;
    if (!live || !trace || trace.size === 0) return;
    saveBlob(trace.toBlob(), `chatterbox-${live.config.room}-${selfId ?? 'node'}-${runId?.slice(0, 8) ?? 'run'}.jsonl`);
  };
  const open = (event: ChangeEvent<HTMLInputElement>): void => {
    const files = [...(event.target.files ?? [])];
    event.target.value = '';
    if (files.length > 0) void controller.openTraces(files);
  };
  return (
    <div className="trace-panel">
      {controller.sandbox ? (
        <SandboxTraceDownload />
      ) : (
        <button type="button" data-testid="trace-download" onClick={download} disabled={records === 0}>
          Download this node’s trace{records > 0 ? ` (${formatCount(records)} records)` : ''}
        </button>
      )}
      {truncated && <span className="muted">The trace stopped recording at {formatCount(records)} records.</span>}
      <label className="file-button">
        <input type="file" multiple data-testid="trace-open" accept=".jsonl,.ndjson,.json,.txt,application/x-ndjson" onChange={open} aria-label="Open a trace file to replay, or one per node to replay them together" />
        <span>Open traces to replay…</span>
      </label>
      <p className="muted small-print">
        JSON Lines from a tab, <code>chatterbox node --trace</code> or <code>chatterbox sim --trace</code> (docs/TRACE.md). A replay re-runs each node’s recorded inputs through the protocol’s reducer. Open one trace per node together (every tab’s download, say) to replay the whole cluster, clocks aligned as <code>chatterbox cluster --trace-dir</code> does.
      </p>
    </div>
  );
}

/** The sandbox's run, every node's records in the order they happened (as `chatterbox sim --trace` writes them). */
function SandboxTraceDownload() {
  const controller = useController();
  const records = usePanel(() => controller.sandbox?.recordCount ?? 0);
  const facts = useStore((s) => s.sandbox);
  const download = async (): Promise<void> => {
    const sandbox = controller.sandbox;
    if (!sandbox || sandbox.recordCount === 0) return;
    const setup = sandbox.setupShown;
    saveBlob(await sandbox.traceBlob(), `chatterbox-sandbox-n${setup.nodes}-seed${setup.params.seed}.jsonl`);
  };
  return (
    <button type="button" data-testid="trace-download" onClick={() => void download()} disabled={records === 0} title={facts?.done ? 'The whole run' : 'The run so far'}>
      Download the cluster trace{records > 0 ? ` (${formatCount(records)} records)` : ''}
    </button>
  );
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
