// Vite builds the browser UI (src/ui); Vitest runs the unit, property and simulation tests (test/).

import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * simple-peer's package entry needs Node globals and readable-stream, which break in the browser;
 * its prebuilt bundle works there. Node (and therefore Vitest) keeps the plain package.
 */
const browserAliases = process.env.VITEST ? [] : [{ find: /^simple-peer$/, replacement: 'simple-peer/simplepeer.min.js' }];

export default defineConfig({
  plugins: [react()],
  resolve: { alias: browserAliases },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
