// Guided scenarios: the list to pick from, then the step showing (its title, what to watch and why,
// what it waits for, "Next" where it waits for the reader), and a closing step once it is over.

import { describeTrigger, type Scenario, type ScenarioStep } from '../../sandbox/scenario-runner';
import { SCENARIOS, scenarioById } from '../../sandbox/scenarios';
import { useController } from '../services';
import { useStore } from '../store';

export function ScenarioPanel() {
  const shown = useStore((s) => s.scenario);
  const scenario = shown ? scenarioById(shown.id) : null;
  if (!shown || !scenario) return <ScenarioList />;
  if (shown.step >= scenario.steps.length) return <ClosingStep scenario={scenario} />;
  return <StepCard scenario={scenario} index={shown.step} step={scenario.steps[shown.step]} />;
}

function ScenarioList() {
  const controller = useController();
  return (
    <ul className="scenario-list" aria-label="Guided scenarios">
      {SCENARIOS.map((scenario) => (
        <li key={scenario.id}>
          <button type="button" data-testid={`scenario-${scenario.id}`} onClick={() => controller.scenarios?.play(scenario)}>
            <strong>{scenario.title}</strong>
            <span className="scenario-summary">{scenario.summary}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function StepCard({ scenario, index, step }: { scenario: Scenario; index: number; step: ScenarioStep }) {
  const controller = useController();
  const waitsForReader = step.advance.on === 'user';
  return (
    <div className="scenario-step" data-testid="scenario-step" data-step={index + 1} aria-live="polite">
      <p className="muted small-print">
        {scenario.title} · step {index + 1} of {scenario.steps.length}
      </p>
      <h3 data-testid="scenario-step-title">{step.title}</h3>
      <p>{step.text}</p>
      <div className="scenario-actions">
        {waitsForReader ? (
          <button type="button" className="primary" data-testid="scenario-next" onClick={() => controller.scenarios?.next()}>
            Next
          </button>
        ) : (
          <span className="muted small-print" data-testid="scenario-waiting">
            Moves on after {describeWait(step)}.
          </span>
        )}
        <button type="button" onClick={() => controller.scenarios?.stop()}>
          Leave the scenario
        </button>
      </div>
    </div>
  );
}

/** The scenario is over: its last step stays readable (a run often ends moments after it begins), then what next. */
function ClosingStep({ scenario }: { scenario: Scenario }) {
  const controller = useController();
  const last = scenario.steps[scenario.steps.length - 1];
  return (
    <div className="scenario-step" data-testid="scenario-finished">
      <p className="muted small-print">
        {scenario.title} · the end ({scenario.steps.length} steps)
      </p>
      <h3 data-testid="scenario-closing-title">{last.title}</h3>
      <p>{last.text}</p>
      <p className="muted">The run is yours now: cut links, crash a node from its panel, slow it down, download its trace or share it.</p>
      <div className="scenario-actions">
        <button type="button" onClick={() => controller.scenarios?.play(scenario)}>
          Play it again
        </button>
        <button type="button" className="primary" onClick={() => controller.scenarios?.stop()}>
          Other scenarios
        </button>
      </div>
    </div>
  );
}

/** What a step that moves on by itself waits for, in words. */
function describeWait(step: ScenarioStep): string {
  switch (step.advance.on) {
    case 'time':
      return `${step.advance.ms} ms of virtual time`;
    case 'end':
      return 'the end of the run';
    case 'event':
      return 'what it describes happens';
    default:
      return describeTrigger(step.advance);
  }
}
