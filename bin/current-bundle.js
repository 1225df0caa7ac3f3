// Whether the prebuilt CLI bundle (dist-cli/, from scripts/build-cli.mjs) may run: it exists and
// every repository file it was built from (dist-cli/manifest.json) is unchanged since the build started.
import { readFileSync, statSync } from 'node:fs';

/** The bundle's URL under the repository root `root` (a directory URL), or null when it is missing or stale. */
export function currentBundle(root) {
  const bundle = new URL('dist-cli/chatterbox.js', root);
  try {
    statSync(bundle);
    const { startedMs, inputs } = JSON.parse(readFileSync(new URL('dist-cli/manifest.json', root), 'utf8'));
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs < startedMs) ? bundle : null;
  } catch {
    return null; // no bundle, no manifest, or a source file was removed
  }
}
