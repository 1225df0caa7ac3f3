// The page: top bar, run or replay controls, banners, the cluster view with its side panels, the
// charts, and traces.

import { randomRoomName, roomUrl, type PageConfig } from '../config';
import { ClusterView } from '../cluster/ClusterView';
import { useStore } from '../store';
import { AnimationControls, TrafficCounters } from './AnimationControls';
import { Banners } from './Banners';
import { ErrorBoundary } from './ErrorBoundary';
import { Inspector, RoundTrips } from './Inspector';
import { Legend } from './Legend';
import { LinkPanel } from './LinkPanel';
import { ReplayBar } from './ReplayBar';
import { Results } from './Results';
import { RunControls } from './RunControls';
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
      {mode === 'replay' ? <ReplayBar /> : config?.role === 'member' && <RunControls />}
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
          <section className="panel" aria-label="Results">
            <h2>Results</h2>
            <ErrorBoundary area="the results">
              <Results />
            </ErrorBoundary>
          </section>
          <section className="panel" aria-label="Inspector">
            <h2>Node</h2>
            <ErrorBoundary area="the node panel">
              <LinkPanel />
              <RoundTrips />
              <Inspector />
            </ErrorBoundary>
          </section>
        </aside>
        <section className="panel" aria-label="Throughput">
          <h2>Throughput (commits per second)</h2>
          <ErrorBoundary area="the throughput chart">
            <ThroughputChart />
          </ErrorBoundary>
        </section>
        <section className="panel" aria-label="Space-time diagram">
          <h2>Space-time diagram</h2>
          <ErrorBoundary area="the space-time diagram">
            <SpaceTime />
          </ErrorBoundary>
        </section>
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

function ConfigProblem({ problem }: { problem: string }) {
  return (
    <div className="banners">
      <div className="banner banner-error" role="alert">
        <span>
          {problem} This tab has not joined any room. <a href={roomUrl(window.location, randomRoomName())}>Open a new room</a> — or open a trace below to
          replay it.
        </span>
      </div>
    </div>
  );
}
