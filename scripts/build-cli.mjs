// Builds the CLI bundle dist-cli/chatterbox.js (esbuild, Node, ESM) and the manifest bin/chatterbox.js checks it by.
//
// Run by `npm ci` / `npm install` (the `prepare` script), `npm run build` and `npm test`.
// The manifest lists the repository files the bundle was built from and when the build started:
// bin/chatterbox.js runs the bundle only while none of them changed since (else the sources, via tsx).
//
// Usage: node scripts/build-cli.mjs [--out DIR]   (default dist-cli/; tests build elsewhere)
// The bundle is written to a fresh folder next to DIR, then renamed into place.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({ options: { out: { type: 'string', default: path.join(ROOT, 'dist-cli') } } });
const OUT_DIR = path.resolve(flags.out);
const BUILD_DIR = `${OUT_DIR}.building-${process.pid}`;
const ENTRY = path.join(ROOT, 'src/cli/entry.ts');

/**
 * Loaded at run time from node_modules, never bundled: native addons (@roamhq/wrtc), ws's optional
 * native helpers, and the browser driver the bench's UI part loads on demand.
 */
const EXTERNAL = ['@roamhq/wrtc', 'bufferutil', 'utf-8-validate', 'playwright', 'playwright-core', '@playwright/test', 'vite', 'tsx'];

/** Bundled CommonJS packages (simple-peer, readable-stream) call require() for Node's built-ins. */
const REQUIRE_SHIM = "import { createRequire as __cbCreateRequire } from 'node:module';\nconst require = __cbCreateRequire(import.meta.url);";

/**
 * Keeps import.meta.url meaning "this source file" inside the bundle: our modules resolve paths
 * next to themselves (bin/chatterbox.js from src/cli/cluster.ts, the repository root, bench scripts).
 * Each use becomes the source file's URL, computed relative to the bundle so the checkout can move.
 */
const sourceRelativeImportMetaUrl = {
  name: 'source-relative-import-meta-url',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return { contents: source, loader: 'ts' };
      const fromBundle = path.relative(OUT_DIR, args.path).split(path.sep).join('/');
      const url = `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`;
      return { contents: source.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Repository files (not node_modules) the bundle was built from, relative to the root, with '/'. */
function projectInputs(metafile) {
  const files = Object.keys(metafile.inputs).filter((file) => !file.split('/').includes('node_modules'));
  return [...files, 'scripts/build-cli.mjs', 'package.json'].sort();
}

async function buildCli() {
  const startedMs = Date.now();
  rmSync(BUILD_DIR, { recursive: true, force: true });
  mkdirSync(BUILD_DIR, { recursive: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { chatterbox: ENTRY },
    outdir: BUILD_DIR,
    bundle: true,
    splitting: true,
    chunkNames: '[name]-[hash]', // flat: every output file sits in dist-cli/, where import.meta.url is rewritten from
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL,
    banner: { js: REQUIRE_SHIM },
    plugins: [sourceRelativeImportMetaUrl],
    metafile: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  const manifest = { startedMs, inputs: [...new Set(projectInputs(result.metafile))] };
  writeFileSync(path.join(BUILD_DIR, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  rmSync(OUT_DIR, { recursive: true, force: true });
  renameSync(BUILD_DIR, OUT_DIR);
  return manifest;
}

const started = performance.now();
const manifest = await buildCli();
const ms = Math.round(performance.now() - started);
console.log(`chatterbox CLI bundle: ${path.relative(ROOT, OUT_DIR) || '.'}/chatterbox.js from ${manifest.inputs.length} files in ${ms} ms`);
