// The web app's entry: reads the page's URL, starts this tab's node (or the sandbox) and renders the UI.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController, type PageRun } from './app-controller';
import { readPageConfig, readSandboxRequest, type PageConfig } from './config';
import { isSandboxLink } from '../sandbox/url';
import { ControllerContext } from './services';
import { App } from './views/App';
import { ErrorBoundary } from './views/ErrorBoundary';
import './styles.css';

interface Start {
  run: PageRun;
  problem: string | null;
}

/** The sandbox when the URL asks for it; otherwise this tab's node in its room. */
function readStart(): Start {
  const sandbox = readSandboxRequest(window.location);
  if (sandbox) return sandbox.ok ? { run: { kind: 'sandbox', setup: sandbox.setup }, problem: null } : { run: { kind: 'none' }, problem: sandbox.problem };
  const result = readPageConfig(window.location, import.meta.env.DEV);
  if (!result.ok) return { run: { kind: 'none' }, problem: result.problem };
  if (result.config.generatedRoom) {
    const url = new URL(window.location.href);
    url.searchParams.set('room', result.config.room);
    window.history.replaceState(null, '', url);
  }
  return { run: { kind: 'live', config: result.config }, problem: null };
}

function boot(): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element');
  const start = readStart();
  const config: PageConfig | null = start.run.kind === 'live' ? start.run.config : null;
  const controller = new AppController(start.run);
  controller.animator.start();
  // A sandbox link pasted into this tab's address bar changes only the fragment: load it as a new page.
  window.addEventListener('hashchange', () => {
    if (isSandboxLink(window.location.hash)) window.location.reload();
  });
  window.addEventListener('pagehide', () => {
    controller.live?.close();
    controller.sandbox?.close();
  });
  createRoot(container).render(
    <StrictMode>
      <ErrorBoundary area="the page">
        <ControllerContext.Provider value={controller}>
          <App config={config} configProblem={start.problem} />
        </ControllerContext.Provider>
      </ErrorBoundary>
    </StrictMode>,
  );
}

boot();
