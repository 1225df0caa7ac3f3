// Results at DONE: every member's (count, checksum), whether they agree, and if not, who differs
// and by how many messages.

import { useEffect, useState } from 'react';
import { shallow } from 'zustand/shallow';
import type { MemberId } from '../../core';
import { describeDifference, judgeAgreement, resultLine, type Agreement } from '../../runtime/agreement';
import type { MemberResult } from '../history/figures';
import { replayNotes, resultsDueAt, resultsOf } from '../history/scene';
import { formatCount } from '../format';
import { useColors, useMembers, usePanel, useSelfId } from '../hooks';
import { useStore } from '../store';

/** After this node is done, members that have not reported within this time are left out of the verdict. */
const REPORT_GRACE_MS = 3000;

/** The results known at the playhead: of a live run (this tab's node first), or of a trace with what replaying it found. */
export function Results() {
  const members = useMembers();
  const hasRun = usePanel((view) => view.history.run !== null);
  const results = usePanel((view) => resultsOf(view.history, view.scene), shallow);
  const realTime = usePanel((view) => view.history.realTime);
  const rebuilt = usePanel((view) => view.history.rebuilt, sameIds);
  const notes = usePanel((view) => (view.app.mode === 'replay' ? replayNotes(view.history) : NO_NOTES), sameIds);
  const doneAt = usePanel((view) => (view.history.realTime ? resultsDueAt(view.history) : null));
  const selfId = useSelfId();
  const graceOver = useElapsed(doneAt, REPORT_GRACE_MS);
  // The sandbox's run is whole once it is over: every member's result counts, as for a live run.
  const sandboxOver = useStore((s) => (s.mode === 'sandbox' ? (s.sandbox?.done ?? false) : null));
  if (!hasRun) return <p className="muted">Start a run: at the end every node’s (count, checksum) appears here.</p>;
  const wholeRun = realTime || sandboxOver !== null;
  const final = sandboxOver ?? (!realTime || graceOver);
  const isMember = selfId !== null && members.includes(selfId);
  const reporting = members.filter((id) => results[id]);
  // A trace's verdict compares the results it holds; a live run's waits for every member (or the grace period).
  const judged = wholeRun ? members : reporting;
  const agreement = judgeAgreement(judged, results, final);
  const headlineOf = isMember ? selfId : realTime ? (reporting[0] ?? members[0]) : (rebuilt[0] ?? reporting[0] ?? members[0]);
  const everyoneReported = reporting.length === members.length;
  const shown = isMember || !realTime || everyoneReported || (final && reporting.length > 0) ? results[headlineOf] : undefined;
  const label = isMember ? 'This node’s result' : realTime ? `Result of ${headlineOf}` : `Result of ${headlineOf} at the playhead`;
  return (
    <div className="results">
      <p className="own-result">
        <span className="label">{label}</span>
        <span className="mono result-line" data-testid="result">
          {shown ? resultLine(shown) : ''}
        </span>
        {!shown && <span className="muted">not done yet</span>}
      </p>
      {wholeRun || reporting.length > 1 ? <AgreementBadge agreement={agreement} /> : <p className="agreement agreement-pending">This trace holds one node’s result so far: nothing to compare it with.</p>}
      <ResultTable members={members} results={results} selfId={selfId} />
      {notes.length > 0 && (
        <ul className="replay-notes">
          {notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

const NO_NOTES: string[] = [];

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
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
