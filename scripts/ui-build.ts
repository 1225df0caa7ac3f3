// Builds the UI into dist/ when it is missing or older than its sources (shared by `npm start` and `npm run screenshots`).

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DIST_DIR = path.join(ROOT, 'dist');
const DIST_INDEX = path.join(DIST_DIR, 'index.html');
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

export function buildUiIfNeeded(): void {
  if (existsSync(DIST_INDEX) && statSync(DIST_INDEX).mtimeMs >= newestSourceTime()) return;
  console.log('Building the UI (vite build)...');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}
