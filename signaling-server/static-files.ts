// Serves a built single-page web app from one directory: content types, no path traversal, SPA fallback.

import { createReadStream, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

/** Content types by file extension (a Map: an extension from a request never reaches Object.prototype). */
const CONTENT_TYPES: ReadonlyMap<string, string> = new Map(Object.entries({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
}));

export type StaticHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/** Builds a handler for GET/HEAD requests under `rootDir`; throws if the directory does not exist. */
export function createStaticHandler(rootDir: string): StaticHandler {
  const root = realpathSync(rootDir);
  const rootPrefix = root.endsWith(path.sep) ? root : root + path.sep;
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      sendText(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    const requestPath = decodedPath(request.url ?? '/');
    if (requestPath === null) {
      sendText(response, 400, 'bad request path');
      return;
    }
    const file = await resolveFile(root, rootPrefix, requestPath);
    if (file === null) {
      sendText(response, 404, 'not found');
      return;
    }
    await sendFile(request, response, file);
  };
}

/** The URL's path, percent-decoded; null when it cannot be decoded or holds a NUL. */
function decodedPath(url: string): string | null {
  try {
    const pathname = new URL(url, 'http://localhost').pathname;
    const decoded = decodeURIComponent(pathname);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}

/** The file to serve for a request path: the file itself, a directory's index.html, or the SPA fallback. */
async function resolveFile(root: string, rootPrefix: string, requestPath: string): Promise<string | null> {
  if (requestPath.split(/[/\\]/).some((segment) => segment.startsWith('.'))) return null;
  const direct = await fileInsideRoot(rootPrefix, path.join(root, requestPath));
  if (direct) return direct;
  const directoryIndex = await fileInsideRoot(rootPrefix, path.join(root, requestPath, 'index.html'));
  if (directoryIndex) return directoryIndex;
  if (path.extname(requestPath) !== '') return null;
  return fileInsideRoot(rootPrefix, path.join(root, 'index.html'));
}

/** The real path of a regular file, if it exists and stays under `rootPrefix` once symlinks are resolved. */
async function fileInsideRoot(rootPrefix: string, candidate: string): Promise<string | null> {
  try {
    const real = await realpath(candidate);
    if (!real.startsWith(rootPrefix)) return null;
    return (await stat(real)).isFile() ? real : null;
  } catch {
    return null;
  }
}

async function sendFile(request: IncomingMessage, response: ServerResponse, file: string): Promise<void> {
  const { size } = await stat(file);
  const extension = path.extname(file).toLowerCase();
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES.get(extension) ?? 'application/octet-stream',
    'Content-Length': size,
    'X-Content-Type-Options': 'nosniff',
    ...(extension === '.html' ? { 'Cache-Control': 'no-cache' } : {}),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => response.destroy());
  stream.pipe(response);
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}
