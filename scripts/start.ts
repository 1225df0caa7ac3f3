// `npm start`: builds the UI when it is missing or older than its sources, then serves UI + signaling on one port.
// Takes the same settings as `chatterbox signal`, as flags (`npm start -- --port 9000`) or environment (PORT=9000).

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScriptServer, scriptSettings } from '../signaling-server/main';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_INDEX = path.join(ROOT, 'dist', 'index.html');
const UI_SOURCES = ['index.html', 'vite.config.ts', 'public', 'src'];

function newestSourceTime(): number {
  let newest = 0;
  const visit = (file: string): void => {
    const stat = statSync(file);
    if (stat.isDirectory()) for (const entry of readdirSync(file)) visit(path.join(file, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const source of UI_SOURCES) if (existsSync(path.join(ROOT, source))) visit(path.join(ROOT, source));
  return newest;
}

function buildIfNeeded(): void {
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= newestSourceTime()) return;
  console.log('Building the UI (vite build)...');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

const settings = scriptSettings('npm start', process.argv.slice(2), process.env);
if (settings) {
  // A UI of one's own (--static-dir / STATIC_DIR) is served as it is; only the default dist/ is built.
  if (settings.staticDir === undefined) buildIfNeeded();
  await runScriptServer('npm start', { ...settings, staticDir: settings.staticDir ?? path.join(ROOT, 'dist') });
}
