#!/usr/bin/env node
// The `chatterbox` bin: runs the prebuilt CLI bundle (dist-cli/, from scripts/build-cli.mjs) when it
// is up to date, else the TypeScript sources through tsx, so an edited checkout never runs old code.
//
// Up to date = every repository file the bundle was built from (dist-cli/manifest.json) is
// unchanged since the build started. `npm ci`, `npm run build` and `npm test` rebuild it.
import { readFileSync, statSync } from 'node:fs';

const BUNDLE = new URL('../dist-cli/chatterbox.js', import.meta.url);
const MANIFEST = new URL('../dist-cli/manifest.json', import.meta.url);
const ROOT = new URL('../', import.meta.url);

function bundleIsCurrent() {
  try {
    statSync(BUNDLE);
    const { startedMs, inputs } = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    return inputs.every((file) => statSync(new URL(file, ROOT)).mtimeMs < startedMs);
  } catch {
    return false; // no bundle, no manifest, or a source file was removed: run the sources
  }
}

if (bundleIsCurrent()) {
  await import(BUNDLE.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/entry.ts');
}
