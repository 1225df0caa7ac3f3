// The page: top bar, run, sandbox or replay controls, banners, the cluster view with its side
// panels (and guided scenarios, in the sandbox or on a live room), the charts, and traces. A tab
// alone in its room is offered the sandbox beside the invitation to real tabs.

import type { ReactNode } from 'react';
import { randomRoomName, roomUrl, sandboxUrl, type PageConfig } from '../config';
import { ClusterView } from '../cluster/ClusterView';
import { useStore } from '../store';
import { AnimationControls, TrafficCounters } from './AnimationControls';
import { Banners } from './Banners';
import { ErrorBoundary } from './ErrorBoundary';
import { Inspector, RoundTrips } from './Inspector';
import { Legend } from './Legend';
import { LinkPanel } from './LinkPanel';
import { LiveScenarioPanel } from './LiveScenarioPanel';
import { ReplayBar } from './ReplayBar';
import { Results } from './Results';
import { RunControls } from './RunControls';
import { SandboxControls } from './SandboxControls';
import { SandboxOffer } from './SandboxOffer';
import { ScenarioPanel } from './ScenarioPanel';
import { SpaceTime } from './SpaceTime';
import { ThroughputChart } from './ThroughputChart';
import { TopBar } from './TopBar';
import { TracePanel } from './TracePanel';

interface Props {
  config: PageConfig | null;
  configProblem: string | null;
}

export function App({ config, configProblem }: Props) {
  const mode = useStore((s) => s.mode);
  return (
    <div className="app">
      <TopBar config={config} />
      {mode === 'replay' ? <ReplayBar /> : mode === 'sandbox' ? <SandboxControls /> : config?.role === 'member' && <RunControls />}
      {config?.role === 'member' && mode === 'live' && <SandboxOffer config={config} />}
      {configProblem && <ConfigProblem problem={configProblem} />}
      <Banners />
      <main className="layout">
        <section className="panel cluster-panel" aria-label="Cluster">
          <ErrorBoundary area="the cluster view">
            <ClusterView joined={config !== null} />
          </ErrorBoundary>
          {config && mode === 'live' && (
            <div className="cluster-footer">
              <AnimationControls />
              <TrafficCounters />
            </div>
          )}
        </section>
        <aside className="side">
          {mode === 'sandbox' && (
            <Panel label="Guided scenarios" title="Guided scenarios" area="the guided scenarios">
              <ScenarioPanel />
            </Panel>
          )}
          <Panel label="Results" title="Results" area="the results">
            <Results />
          </Panel>
          {mode === 'live' && config?.role === 'member' && (
            <Panel label="Guided scenarios on this room" title="Guided scenarios" area="the guided scenarios">
              <LiveScenarioPanel />
            </Panel>
          )}
          <Panel label="Inspector" title="Node" area="the node panel">
            <LinkPanel />
            <RoundTrips />
            <Inspector />
          </Panel>
        </aside>
        <Panel label="Throughput" title="Throughput (commits per second)" area="the throughput chart">
          <ThroughputChart />
        </Panel>
        <Panel label="Space-time diagram" title="Space-time diagram" area="the space-time diagram">
          <SpaceTime />
        </Panel>
        <section className="panel" aria-label="Help">
          <Legend />
        </section>
        <section className="panel" aria-label="Trace">
          <h2>Trace</h2>
          <TracePanel />
        </section>
      </main>
    </div>
  );
}

/** A titled panel of the page whose contents fail on their own (an error there leaves the rest drawn). */
function Panel({ label, title, area, children }: { label: string; title: string; area: string; children: ReactNode }) {
  return (
    <section className="panel" aria-label={label}>
      <h2>{title}</h2>
      <ErrorBoundary area={area}>{children}</ErrorBoundary>
    </section>
  );
}

function ConfigProblem({ problem }: { problem: string }) {
  return (
    <div className="banners">
      <div className="banner banner-error" role="alert">
        <span>
          {problem} This tab has not joined any room. <a href={roomUrl(window.location, randomRoomName())}>Open a new room</a>, <a href={sandboxUrl(window.location)}>try the sandbox</a> (a
          simulated cluster in this tab) — or open a trace below to replay it.
        </span>
      </div>
    </div>
  );
}
