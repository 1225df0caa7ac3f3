// Vite builds the browser UI (src/ui); Vitest runs the unit, property and simulation tests (test/).

import { defineConfig } from 'vitest/config';
import { spawn } from 'node:child_process';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * simple-peer's package entry needs Node globals and readable-stream, which break in the browser;
 * its prebuilt bundle works there. Node (and therefore Vitest) keeps the plain package.
 */
const browserAliases = process.env.VITEST ? [] : [{ find: /^simple-peer$/, replacement: 'simple-peer/simplepeer.min.js' }];

/** The signaling port a page on Vite's dev server connects to (DEFAULT_SIGNAL_PORT in src/ui/config.ts). */
const DEV_SIGNAL_PORT = '8787';

/**
 * `npm run dev`: the signaling server runs beside Vite's dev server (hot reload of the UI), as a
 * child process on the port the page looks for there; it stops with Vite.
 */
function devSignaling(): Plugin {
  return {
    name: 'chatterbox-dev-signaling',
    apply: 'serve',
    configureServer(server) {
      const signaling = spawn(process.execPath, ['bin/chatterbox.js', 'signal', '--port', DEV_SIGNAL_PORT], { stdio: 'inherit' });
      const stop = (): void => void signaling.kill();
      server.httpServer?.once('close', stop);
      process.once('exit', stop);
    },
  };
}

export default defineConfig({
  plugins: process.env.VITEST ? [react()] : [react(), devSignaling()],
  resolve: { alias: browserAliases },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
