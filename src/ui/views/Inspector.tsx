// The node panel: one node's outgoing message and who acked it, its receive buffers, its commits
// and checksum, at the animation's playhead, updated at the panels' pace. Every figure comes from
// the node's figures in the one scene shown (the commit log stops at its count). Also this tab's
// measured round trips to each peer. In the sandbox, the node can be crashed and restarted here.

import type { MemberId } from '../../core';
import type { BufferSnapshot, NodeSnapshot } from '../../runtime/snapshot';
import type { ColorOf } from '../colors';
import type { CommitRows } from './commit-rows';
import { formatCount, formatRtt } from '../format';
import { commitRowsOf } from '../history/scene';
import { useColors, useMembers, useOwnRtt, usePanel, useSelfId } from '../hooks';
import { useController } from '../services';
import { useStore } from '../store';
import { CommitLogList, MAX_SHOWN } from './CommitLogList';

export function Inspector() {
  const members = useMembers();
  const selfId = useSelfId();
  const chosen = useStore((s) => s.selectedNode);
  const selected = chosen && members.includes(chosen) ? chosen : (selfId && members.includes(selfId) ? selfId : members[0]);
  const figures = usePanel((view) => (selected ? (view.scene.nodes[selected] ?? null) : null));
  const snapshot = figures?.snapshot ?? null;
  const colorOf = useColors();
  const untraced = usePanel((view) => !view.history.realTime && selected !== undefined && view.history.track(selected) === null);
  if (!selected) return <p className="muted">No node to inspect yet.</p>;
  return (
    <div className="inspector" aria-label={`Node ${selected}`}>
      <h3>
        <span className="swatch" style={{ background: colorOf(selected) }} aria-hidden="true" />
        {selected}
        {selected === selfId && <span className="tag">this tab</span>}
        <span className="tag tag-phase">{snapshot?.phase ?? 'no run yet'}</span>
      </h3>
      <SandboxNodeActions node={selected} />
      {snapshot ? <SnapshotDetails snapshot={snapshot} colorOf={colorOf} /> : <p className="muted">{untraced ? `The trace does not record ${selected}’s inputs; only its frames to and from the traced nodes are shown.` : 'This node has not reported a run yet.'}</p>}
      <Checksum node={selected} snapshot={snapshot} running={figures?.runningChecksum ?? null} />
      <CommitLogSection node={selected} colorOf={colorOf} />
    </div>
  );
}

/** Crash or restart the node (sandbox only): its process stops, or resumes with its state (docs/SANDBOX.md). */
function SandboxNodeActions({ node }: { node: MemberId }) {
  const controller = useController();
  const facts = useStore((s) => (s.mode === 'sandbox' ? s.sandbox : null));
  if (!facts || !controller.sandbox) return null;
  const crashed = facts.crashed.includes(node);
  const act = (type: 'crash' | 'restart'): void => void controller.sandbox?.act({ type, node });
  return (
    <div className="node-actions">
      {crashed ? (
        <button type="button" data-testid="node-restart" onClick={() => act('restart')} title="The process resumes with the state it had; its peers' resends bring it up to date" disabled={facts.done}>
          Restart {node}
        </button>
      ) : (
        <button type="button" data-testid="node-crash" onClick={() => act('crash')} title="The process stops: it handles nothing, and frames that reach it are lost" disabled={facts.done}>
          Crash {node}
        </button>
      )}
      {crashed && <span className="tag">crashed</span>}
    </div>
  );
}

function SnapshotDetails({ snapshot, colorOf }: { snapshot: NodeSnapshot; colorOf: ColorOf }) {
  const acked = new Set(snapshot.acked);
  const outgoing = snapshot.seq === 0 ? 'nothing yet' : snapshot.fin ? `FIN #${snapshot.seq}` : `message #${snapshot.seq}`;
  return (
    <>
      <section>
        <h4>Outgoing: {outgoing}</h4>
        <div className="chips" aria-label="Acknowledged by">
          {snapshot.buffers.map(({ from: member }) => (
            <span key={member} className={acked.has(member) ? 'chip chip-on' : 'chip'} style={acked.has(member) ? { background: colorOf(member) } : { borderColor: colorOf(member) }} title={acked.has(member) ? `${member} acked it` : `waiting for ${member}'s ack`}>
              {acked.has(member) ? '✓ ' : ''}
              {member}
            </span>
          ))}
        </div>
      </section>
      <section>
        <h4>Receive buffers</h4>
        <table className="buffers">
          <thead>
            <tr>
              <th scope="col">from</th>
              <th scope="col">holds</th>
              <th scope="col">committed up to</th>
              <th scope="col">FIN</th>
            </tr>
          </thead>
          <tbody>
            {snapshot.buffers.map((buffer) => (
              <tr key={buffer.from}>
                <td style={{ color: colorOf(buffer.from) }}>{buffer.from}</td>
                <td className="mono">{describeHeld(buffer)}</td>
                <td className="mono">#{buffer.committed}</td>
                <td>{buffer.finished ? '✓' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

function Checksum({ node, snapshot, running }: { node: MemberId; snapshot: NodeSnapshot | null; running: string | null }) {
  const final = snapshot?.result?.checksum ?? null;
  return (
    <section className="checksum">
      <h4>Committed</h4>
      <p>
        <span className="big mono">{formatCount(snapshot?.count ?? 0)}</span> messages
      </p>
      <p className="mono checksum-value" aria-label={`checksum of ${node}`}>
        {final ? `checksum ${final}` : running ? `running checksum ${running}` : 'checksum shown at the end (as it runs for nodes whose commits are known here)'}
      </p>
    </section>
  );
}

function CommitLogSection({ node, colorOf }: { node: MemberId; colorOf: ColorOf }) {
  const rows = usePanel((view) => commitRowsOf(view.history, view.scene, node), sameRows);
  const sandbox = useStore((s) => s.mode === 'sandbox');
  if (!rows && sandbox) return <p className="muted">No commits yet.</p>; // the sandbox sends the log of the node inspected
  if (!rows) return <p className="muted">The commit log is kept for this tab’s own node; other nodes report their count and checksum.</p>;
  const newest = rows.row(0)?.index ?? 0;
  const shown = Math.min(rows.size, MAX_SHOWN);
  const older = newest > shown ? ` (the last ${formatCount(shown)})` : '';
  return (
    <section>
      <h4>
        Commit log, newest first{older}
        {newest > 0 && <span className="muted"> · up to #{formatCount(newest)}, as above</span>}
      </h4>
      <CommitLogList rows={rows} colorOf={colorOf} label={`Commits of ${node}`} />
    </section>
  );
}

/** This tab's measured round trip to each peer (what the links show), whenever it has any. */
export function RoundTrips() {
  const selfId = useSelfId();
  const rttMs = useOwnRtt();
  const peers = Object.keys(rttMs).sort();
  if (!selfId || peers.length === 0) return null;
  return (
    <section className="round-trips" aria-label="Round trips from this tab">
      <h4>Round trips from this tab</h4>
      <ul>
        {peers.map((peer) => (
          <li key={peer}>
            <span className="mono">{peer}</span>
            <span className="mono" data-testid="peer-rtt" data-peer={peer}>
              {formatRtt(rttMs[peer])}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Rows objects are new at each look: they show the same while their size and newest row are the same. */
function sameRows(a: CommitRows | null, b: CommitRows | null): boolean {
  if (a === null || b === null) return a === b;
  return a.size === b.size && a.row(0) === b.row(0);
}

/** A receive buffer's held serials, with how many more a large window holds than the snapshot lists. */
function describeHeld(buffer: BufferSnapshot): string {
  if (buffer.buffered.length === 0) return '—';
  const more = (buffer.bufferedCount ?? buffer.buffered.length) - buffer.buffered.length;
  return buffer.buffered.map((s) => `#${s}`).join(' ') + (more > 0 ? ` +${more} more` : '');
}
