// The web app's entry: reads the page's URL, starts this tab's node and renders the UI.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { AppController } from './app-controller';
import { readPageConfig } from './config';
import { ControllerContext } from './services';
import { App } from './views/App';
import { ErrorBoundary } from './views/ErrorBoundary';
import './styles.css';

function boot(): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('index.html has no #root element');
  const result = readPageConfig(window.location, import.meta.env.DEV);
  if (result.ok && result.config.generatedRoom) {
    const url = new URL(window.location.href);
    url.searchParams.set('room', result.config.room);
    window.history.replaceState(null, '', url);
  }
  const controller = new AppController(result.ok ? result.config : null);
  controller.animator.start();
  window.addEventListener('pagehide', () => controller.live?.close());
  createRoot(container).render(
    <StrictMode>
      <ErrorBoundary area="the page">
        <ControllerContext.Provider value={controller}>
          <App config={result.ok ? result.config : null} configProblem={result.ok ? null : result.problem} />
        </ControllerContext.Provider>
      </ErrorBoundary>
    </StrictMode>,
  );
}

boot();
