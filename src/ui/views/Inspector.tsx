// The node panel: one node's outgoing message and who acked it, its receive buffers, its commits
// and checksum, at the animation's playhead, updated at the panels' pace. Every figure comes from
// the one snapshot shown (the commit log stops at its count); the running checksum, which is not
// in the snapshot, says that it is live. Also this tab's measured round trips to each peer.

import type { MemberId } from '../../core';
import type { BufferSnapshot, NodeSnapshot } from '../../runtime/snapshot';
import type { ColorOf } from '../colors';
import { formatCount, formatRtt } from '../format';
import { shallow } from 'zustand/shallow';
import { useColors, useMembers, usePanelStore, useSelfId } from '../hooks';
import { useController } from '../services';
import { useStore } from '../store';
import { rowsUpTo, type CommitRows } from './commit-rows';
import { CommitLogList, MAX_SHOWN } from './CommitLogList';

export function Inspector() {
  const members = useMembers();
  const selfId = useSelfId();
  const chosen = useStore((s) => s.selectedNode);
  const selected = chosen && members.includes(chosen) ? chosen : (selfId && members.includes(selfId) ? selfId : members[0]);
  const snapshot = usePanelStore((s) => (selected ? (s.view.snapshots[selected] ?? null) : null));
  const playhead = usePanelStore((s) => (s.mode === 'replay' ? s.view.playhead : 0));
  const colorOf = useColors();
  const untraced = useStore((s) => s.mode === 'replay' && selected !== undefined && !s.replay?.recorded.includes(selected));
  if (!selected) return <p className="muted">No node to inspect yet.</p>;
  return (
    <div className="inspector" aria-label={`Node ${selected}`}>
      <h3>
        <span className="swatch" style={{ background: colorOf(selected) }} aria-hidden="true" />
        {selected}
        {selected === selfId && <span className="tag">this tab</span>}
        <span className="tag tag-phase">{snapshot?.phase ?? 'no run yet'}</span>
      </h3>
      {snapshot ? <SnapshotDetails snapshot={snapshot} colorOf={colorOf} /> : <p className="muted">{untraced ? `The trace does not record ${selected}’s inputs; only its frames to and from the traced nodes are shown.` : 'This node has not reported a run yet.'}</p>}
      <Checksum node={selected} snapshot={snapshot} isSelf={selected === selfId} />
      <CommitLogSection node={selected} isSelf={selected === selfId} colorOf={colorOf} count={snapshot?.count ?? 0} playhead={playhead} />
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

function Checksum({ node, snapshot, isSelf }: { node: MemberId; snapshot: NodeSnapshot | null; isSelf: boolean }) {
  const running = usePanelStore((s) => (isSelf ? s.runningChecksum : null));
  const final = snapshot?.result?.checksum ?? null;
  return (
    <section className="checksum">
      <h4>Committed</h4>
      <p>
        <span className="big mono">{formatCount(snapshot?.count ?? 0)}</span> messages
      </p>
      <p className="mono checksum-value" aria-label={`checksum of ${node}`}>
        {final ? `checksum ${final}` : running ? `running checksum ${running} (live, ahead of the animation)` : 'checksum shown at the end (or live for this tab’s node)'}
      </p>
    </section>
  );
}

function CommitLogSection({ node, isSelf, colorOf, count, playhead }: { node: MemberId; isSelf: boolean; colorOf: ColorOf; count: number; playhead: number }) {
  const controller = useController();
  const mode = useStore((s) => s.mode);
  let rows: CommitRows | null = null;
  if (mode === 'live' && isSelf && controller.live) rows = rowsUpTo(controller.live.commitLog, count);
  else if (mode === 'replay' && controller.replayTimeline) rows = controller.replayTimeline.commitRows(node, playhead);
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
  const rttMs = usePanelStore((s) => s.rttMs, shallow);
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

/** A receive buffer's held serials, with how many more a large window holds than the snapshot lists. */
function describeHeld(buffer: BufferSnapshot): string {
  if (buffer.buffered.length === 0) return '—';
  const more = (buffer.bufferedCount ?? buffer.buffered.length) - buffer.buffered.length;
  return buffer.buffered.map((s) => `#${s}`).join(' ') + (more > 0 ? ` +${more} more` : '');
}
