// The CLI bundle: it behaves as the TypeScript sources do, and the bin runs it only while it is current.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentBundle } from '../../bin/current-bundle.js';

const scratch = mkdtempSync(join(tmpdir(), 'chatterbox-bundle-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: readonly string[]) {
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 120_000 });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('the bundle built by scripts/build-cli.mjs', () => {
  const out = join(scratch, 'dist-cli');
  const bundled = (...args: string[]) => run([join(out, 'chatterbox.js'), ...args]);
  const fromSource = (...args: string[]) => run(['--import', 'tsx', 'src/cli/entry.ts', ...args]);

  beforeAll(() => {
    const build = run(['scripts/build-cli.mjs', '--out', out]);
    expect(build.code, build.stderr).toBe(0);
  });

  it('prints what the sources print, for a run and for help', () => {
    const args = ['sim', '--nodes', '4', '--send-for', '1', '--wait-for', '0.5', '--loss', '0.1', '--json'];
    const expected = fromSource(...args);
    expect(expected.code).toBe(0);
    expect(bundled(...args)).toEqual(expected);
    expect(bundled('--help')).toEqual(fromSource('--help'));
  });

  it('runs a cluster whose nodes the bundle spawns (paths resolve next to the sources)', () => {
    const cluster = bundled('cluster', '--nodes', '2', '--send-for', '0.3', '--wait-for', '0.3', '--json');
    expect(cluster.code, cluster.stderr).toBe(0);
    expect(JSON.parse(cluster.stdout)).toMatchObject({ agree: true });
  });
});

describe('currentBundle (what bin/chatterbox.js runs)', () => {
  const root = join(scratch, 'repo');
  const rootUrl = pathToFileURL(`${root}/`);
  const builtAt = Date.now() - 10_000;
  const source = join(root, 'src', 'a.ts');

  function layout(inputs: string[]): void {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(join(root, 'dist-cli'), { recursive: true });
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'dist-cli', 'chatterbox.js'), '');
    writeFileSync(join(root, 'dist-cli', 'manifest.json'), JSON.stringify({ startedMs: builtAt, inputs }));
    writeFileSync(source, '');
    setModified(source, builtAt - 5_000);
  }

  function setModified(file: string, ms: number): void {
    utimesSync(file, ms / 1000, ms / 1000);
  }

  it('is the bundle when no source changed since the build started', () => {
    layout(['src/a.ts']);
    expect(currentBundle(rootUrl)?.href).toBe(new URL('dist-cli/chatterbox.js', rootUrl).href);
  });

  it('is null once a source is newer than the build (the sources run instead)', () => {
    layout(['src/a.ts']);
    setModified(source, builtAt + 1);
    expect(currentBundle(rootUrl)).toBeNull();
  });

  it('is null when a source it was built from is gone, or the bundle or its manifest is missing', () => {
    layout(['src/a.ts', 'src/gone.ts']);
    expect(currentBundle(rootUrl)).toBeNull();
    layout(['src/a.ts']);
    rmSync(join(root, 'dist-cli', 'manifest.json'));
    expect(currentBundle(rootUrl)).toBeNull();
    layout(['src/a.ts']);
    rmSync(join(root, 'dist-cli', 'chatterbox.js'));
    expect(currentBundle(rootUrl)).toBeNull();
  });
});
