// Traces: download this tab's run, or the whole cluster's (fetched from every member live, the
// sandbox's own), as JSON Lines, or open trace files to replay them.

import { useState, type ChangeEvent } from 'react';
import type { CollectionProgress } from '../../runtime/trace-collector';
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
        <>
          {controller.live?.config.role === 'member' && (
            <button type="button" data-testid="trace-download" onClick={download} disabled={records === 0}>
              Download this node’s trace{records > 0 ? ` (${formatCount(records)} records)` : ''}
            </button>
          )}
          <LiveClusterTraceDownload hasRun={runId !== null} />
        </>
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

type Collection = { state: 'idle' } | { state: 'fetching'; progress: CollectionProgress | null } | { state: 'done' | 'failed'; text: string };

/** Fetches every member's trace of the live run through the server and saves them merged (docs/SIGNALING.md, "Sharing traces"). */
function LiveClusterTraceDownload({ hasRun }: { hasRun: boolean }) {
  const controller = useController();
  const room = useStore((s) => s.roster?.room ?? 'room');
  const [collection, setCollection] = useState<Collection>({ state: 'idle' });
  const fetching = collection.state === 'fetching';
  const download = async (): Promise<void> => {
    setCollection({ state: 'fetching', progress: null });
    try {
      const trace = await controller.liveClusterTrace((progress) => setCollection({ state: 'fetching', progress }));
      saveBlob(trace.blob, `chatterbox-${room}-cluster-${trace.runId.slice(0, 8)}.jsonl`);
      const missing = trace.missing.length > 0 ? ` Left out: ${trace.missing.join('; ')}.` : '';
      setCollection({ state: 'done', text: `Saved ${formatCount(trace.records)} records of ${trace.nodes} nodes, clocks aligned.${missing}` });
    } catch (error) {
      setCollection({ state: 'failed', text: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <>
      <button type="button" data-testid="cluster-trace-download" onClick={() => void download()} disabled={!hasRun || fetching} title="Asks every member of the run for its trace, through the signaling server; a member still running answers when it is done">
        {fetching ? 'Fetching the members’ traces…' : 'Download the cluster trace'}
      </button>
      <span className="muted" data-testid="cluster-trace-status" data-state={collection.state}>
        {describeCollection(collection)}
      </span>
    </>
  );
}

function describeCollection(collection: Collection): string {
  if (collection.state === 'idle') return '';
  if (collection.state !== 'fetching') return collection.text;
  const progress = collection.progress;
  if (!progress) return '';
  return `${progress.done} of ${progress.of} members done, ${(progress.received / 1e6).toFixed(1)} MB received`;
}

function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
