#!/usr/bin/env node
// The `chatterbox` bin: runs the prebuilt CLI bundle when it is up to date (bin/current-bundle.js),
// else the TypeScript sources through tsx, so an edited checkout never runs old code.
// `npm ci`, `npm run build` and `npm test` (re)build the bundle.
import { currentBundle } from './current-bundle.js';

const bundle = currentBundle(new URL('../', import.meta.url));
if (bundle) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/entry.ts');
}
