// Results at DONE: every member's (count, checksum), whether they agree, and if not, who differs
// and by how many messages.

import { useEffect, useState } from 'react';
import type { MemberId } from '../../core';
import { describeDifference, judgeAgreement, resultLine, type Agreement } from '../../runtime/agreement';
import { formatCount } from '../format';
import { useColors, usePanelStore, useSelfId } from '../hooks';
import { useStore, type MemberResult } from '../store';

/** After this node is done, members that have not reported within this time are left out of the verdict. */
const REPORT_GRACE_MS = 3000;

export function Results() {
  const mode = useStore((s) => s.mode);
  return mode === 'replay' ? <ReplayResults /> : <LiveResults />;
}

function LiveResults() {
  const run = useStore((s) => s.run);
  const results = usePanelStore((s) => s.results);
  const ownResult = useStore((s) => s.ownResult);
  const doneAt = useStore((s) => s.doneAt);
  const selfId = useSelfId();
  const final = useElapsed(doneAt, REPORT_GRACE_MS);
  if (!run) return <p className="muted">Start a run: at the end every node’s (count, checksum) appears here.</p>;
  const members = run.members;
  const isMember = selfId !== null && members.includes(selfId);
  const agreement = judgeAgreement(members, results, final);
  const firstReporting = members.find((id) => results[id]);
  const observed = members.every((id) => results[id]) || (final && firstReporting) ? resultLine(results[firstReporting ?? members[0]]) : null;
  const headline = isMember ? ownResult : observed;
  return (
    <div className="results">
      <p className="own-result">
        <span className="label">{isMember ? 'This node’s result' : `Result of ${firstReporting ?? members[0]}`}</span>
        <span className="mono result-line" data-testid="result">
          {headline ?? ''}
        </span>
        {!headline && <span className="muted">not done yet</span>}
      </p>
      <AgreementBadge agreement={agreement} />
      <ResultTable members={members} results={results} selfId={selfId} />
    </div>
  );
}

function ReplayResults() {
  const replay = useStore((s) => s.replay);
  const first = replay?.recorded[0];
  const replayed = usePanelStore((s) => (first ? (s.view.snapshots[first]?.result ?? null) : null));
  if (!replay) return null;
  const compared = replay.members.filter((id) => replay.results[id]);
  const agreement = judgeAgreement(compared, replay.results, true);
  return (
    <div className="results">
      {first && (
        <p className="own-result">
          <span className="label">{`Result of ${first} at the playhead`}</span>
          <span className="mono result-line" data-testid="result">
            {replayed ? resultLine(replayed) : ''}
          </span>
          {!replayed && <span className="muted">not done yet</span>}
        </p>
      )}
      {compared.length > 1 ? <AgreementBadge agreement={agreement} /> : <p className="agreement agreement-pending">This trace holds one node’s result: nothing to compare it with.</p>}
      <ResultTable members={replay.members} results={replay.results} selfId={null} />
      <ul className="replay-notes">
        {replay.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
    </div>
  );
}

function AgreementBadge({ agreement }: { agreement: Agreement }) {
  return (
    <p className={`agreement agreement-${agreement.kind}`} data-testid="agreement" role="status">
      {agreementText(agreement)}
    </p>
  );
}

/** The agreeing text never contains "disagree"; the disagreeing one always does. */
function agreementText(agreement: Agreement): string {
  const missing = agreement.missing.length > 0 ? ` No result from ${agreement.missing.join(', ')}.` : '';
  switch (agreement.kind) {
    case 'pending':
      return agreement.reported === 0 ? 'Results appear here as the nodes finish.' : `Waiting for results from ${agreement.missing.join(', ')}…`;
    case 'agree':
      if (agreement.agreeing.length === 1) return `✓ The only ${agreement.missing.length > 0 ? 'reporting ' : ''}node agrees with itself on ${resultLine(agreement.reference)}.${missing}`;
      return agreement.missing.length === 0
        ? `✓ All ${agreement.agreeing.length} nodes agree on ${resultLine(agreement.reference)}`
        : `✓ The ${agreement.agreeing.length} reporting nodes agree on ${resultLine(agreement.reference)}.${missing}`;
    case 'disagree':
      return `✗ Nodes disagree: ${agreement.differences.map(describeDifference).join('; ')} — ${agreement.agreeing.length} node${agreement.agreeing.length === 1 ? '' : 's'} have ${resultLine(agreement.reference)}.${missing}`;
  }
}

function ResultTable({ members, results, selfId }: { members: readonly MemberId[]; results: Record<MemberId, MemberResult>; selfId: MemberId | null }) {
  const colorOf = useColors();
  return (
    <table className="result-table">
      <thead>
        <tr>
          <th scope="col">node</th>
          <th scope="col">count</th>
          <th scope="col">checksum</th>
          <th scope="col" title="Got every FIN and had its own FIN acked by all">complete</th>
        </tr>
      </thead>
      <tbody>
        {members.map((id) => {
          const result = results[id];
          return (
            <tr key={id}>
              <td>
                <span className="swatch" style={{ background: colorOf(id) }} aria-hidden="true" />
                {id}
                {id === selfId && <span className="tag">this tab</span>}
              </td>
              <td className="mono">{result ? formatCount(result.count) : '…'}</td>
              <td className="mono">{result?.checksum ?? '…'}</td>
              <td>{result ? (result.complete ? '✓' : 'no') : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Whether `ms` have passed since `since` (microsecond clock); re-renders when they have. */
function useElapsed(since: number | null, ms: number): boolean {
  const due = since === null ? null : since / 1000 + ms;
  const [passed, setPassed] = useState(false);
  useEffect(() => {
    if (due === null) {
      setPassed(false);
      return undefined;
    }
    const wait = due - (performance.timeOrigin + performance.now());
    if (wait <= 0) {
      setPassed(true);
      return undefined;
    }
    setPassed(false);
    const timer = setTimeout(() => setPassed(true), wait);
    return () => clearTimeout(timer);
  }, [due]);
  return passed;
}
