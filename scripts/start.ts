// `npm start`: builds the UI when it is missing or older than its sources, then serves UI + signaling on one port.
// Takes the same settings as `chatterbox signal`, as flags (`npm start -- --port 9000`) or environment (PORT=9000).

import { runScriptServer, scriptSettings } from '../signaling-server/main';
import { buildUiIfNeeded, DIST_DIR } from './ui-build';

const settings = scriptSettings('npm start', process.argv.slice(2), process.env);
if (settings) {
  // A UI of one's own (--static-dir / STATIC_DIR) is served as it is; only the default dist/ is built.
  if (settings.staticDir === undefined) buildUiIfNeeded();
  await runScriptServer('npm start', { ...settings, staticDir: settings.staticDir ?? DIST_DIR });
}
