// Guided scenarios on a live room: the list (each needs enough members), then the step showing,
// "Next" where it waits for the reader, and the runs the scenario started with their counts.

import { formatCount } from '../format';
import { LIVE_SCENARIOS, liveScenarioById, type LiveScenario, type LiveStep } from '../live/live-scenarios';
import { useController } from '../services';
import { useStore, type LiveScenarioRun } from '../store';

export function LiveScenarioPanel() {
  const shown = useStore((s) => s.liveScenario);
  const scenario = shown ? liveScenarioById(shown.id) : null;
  if (!shown || !scenario) return <LiveScenarioList />;
  const over = shown.step >= scenario.steps.length;
  return (
    <>
      <LiveStepCard scenario={scenario} index={Math.min(shown.step, scenario.steps.length - 1)} over={over} />
      {shown.runs.length > 0 && <ScenarioRuns runs={shown.runs} />}
    </>
  );
}

function LiveScenarioList() {
  const controller = useController();
  const members = useStore((s) => s.roster?.members.length ?? 0);
  return (
    <ul className="scenario-list" aria-label="Guided scenarios on this room">
      {LIVE_SCENARIOS.map((scenario) => (
        <li key={scenario.id}>
          <button type="button" data-testid={`scenario-${scenario.id}`} disabled={members < scenario.members} onClick={() => controller.liveScenarios?.play(scenario)}>
            <strong>{scenario.title}</strong>
            <span className="scenario-summary">
              {scenario.summary}
              {members < scenario.members ? ` Needs ${scenario.members} members: open ${scenario.members - members} more node${scenario.members - members === 1 ? '' : 's'}.` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function LiveStepCard({ scenario, index, over }: { scenario: LiveScenario; index: number; over: boolean }) {
  const controller = useController();
  const step: LiveStep = scenario.steps[index];
  const waitsForReader = step.advance.on === 'user' && !over;
  return (
    <div className="scenario-step" data-testid={over ? 'scenario-finished' : 'scenario-step'} data-step={index + 1} aria-live="polite">
      <p className="muted small-print">
        {scenario.title} · {over ? `the end (${scenario.steps.length} steps)` : `step ${index + 1} of ${scenario.steps.length}`}
      </p>
      <h3 data-testid="scenario-step-title">{step.title}</h3>
      <p>{step.text}</p>
      <div className="scenario-actions">
        {waitsForReader && (
          <button type="button" className="primary" data-testid="scenario-next" onClick={() => controller.liveScenarios?.next()}>
            Next
          </button>
        )}
        {!waitsForReader && !over && (
          <span className="muted small-print" data-testid="scenario-waiting">
            Moves on when {step.advance.on === 'started' ? 'the run has started' : 'the run is over'}.
          </span>
        )}
        <button type="button" onClick={() => controller.liveScenarios?.stop()}>
          {over ? 'Other scenarios' : 'Leave the scenario'}
        </button>
      </div>
    </div>
  );
}

function ScenarioRuns({ runs }: { runs: readonly LiveScenarioRun[] }) {
  return (
    <table className="scenario-runs" data-testid="scenario-runs">
      <thead>
        <tr>
          <th>run</th>
          <th>window</th>
          <th>agreed count</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run, i) => (
          <tr key={i}>
            <td>{i + 1}</td>
            <td>{run.window}</td>
            <td>{run.count === null ? 'no agreement' : formatCount(run.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
