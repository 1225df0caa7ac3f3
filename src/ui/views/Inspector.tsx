// The node panel: one node's outgoing message and who acked it, its receive buffers, its commits
// and checksum, at the animation's playhead.

import type { MemberId } from '../../core';
import type { NodeSnapshot } from '../../runtime/snapshot';
import type { ColorOf } from '../colors';
import { formatCount } from '../format';
import { useColors, useMembers, useSelfId } from '../hooks';
import { useController } from '../services';
import { useStore } from '../store';
import { CommitLogList, type CommitRows } from './CommitLogList';

export function Inspector() {
  const members = useMembers();
  const selfId = useSelfId();
  const chosen = useStore((s) => s.selectedNode);
  const selected = chosen && members.includes(chosen) ? chosen : (selfId && members.includes(selfId) ? selfId : members[0]);
  const snapshot = useStore((s) => (selected ? (s.view.snapshots[selected] ?? null) : null));
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
      <CommitLogSection node={selected} isSelf={selected === selfId} colorOf={colorOf} />
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
                <td className="mono">{buffer.buffered.length > 0 ? buffer.buffered.map((s) => `#${s}`).join(' ') : '—'}</td>
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
  const running = useStore((s) => (isSelf ? s.runningChecksum : null));
  const checksum = snapshot?.result?.checksum ?? running;
  return (
    <section className="checksum">
      <h4>Committed</h4>
      <p>
        <span className="big mono">{formatCount(snapshot?.count ?? 0)}</span> messages
      </p>
      <p className="mono checksum-value" aria-label={`checksum of ${node}`}>
        {checksum ? `checksum ${checksum}` : 'checksum shown at the end (or live for this tab’s node)'}
      </p>
    </section>
  );
}

function CommitLogSection({ node, isSelf, colorOf }: { node: MemberId; isSelf: boolean; colorOf: ColorOf }) {
  const controller = useController();
  const mode = useStore((s) => s.mode);
  useStore((s) => (isSelf ? s.counters.commits : 0)); // re-render when this node's log grows (the log lives outside the store)
  const playhead = useStore((s) => (mode === 'replay' ? s.view.playhead : 0));
  let rows: CommitRows | null = null;
  if (mode === 'live' && isSelf && controller.live) {
    const log = controller.live.commitLog;
    rows = { size: log.size, row: (offset) => log.newest(offset) };
  } else if (mode === 'replay' && controller.replayTimeline) {
    rows = controller.replayTimeline.commitRows(node, playhead);
  }
  if (!rows) return <p className="muted">The commit log is kept for this tab’s own node; other nodes report their count and checksum.</p>;
  return (
    <section>
      <h4>Commit log, newest first {mode === 'live' && rows.size >= 10_000 && <span className="muted">(last 10,000)</span>}</h4>
      <CommitLogList rows={rows} colorOf={colorOf} label={`Commits of ${node}`} />
    </section>
  );
}
