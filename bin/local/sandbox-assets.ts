/**
 * The sandbox page's scripts besides its own: the libraries that render GitHub Markdown, served from node_modules
 * (never a CDN: the page's CSP allows scripts only with its nonce, and the sandbox works offline).
 *   marked     GitHub Flavored Markdown to HTML (https://marked.js.org); it does not sanitise
 *   DOMPurify  removes everything that could run or load from that HTML before the page inserts it
 *              (https://github.com/cure53/DOMPurify)
 * The page loads them with `<script nonce src>`; GET /assets/* is public (they are public libraries) but still
 * passes the guard's Host check. Only the names below are served: a path never reaches the file system.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Reply } from './http.ts';

const require = createRequire(import.meta.url);

/**
 * URL path -> file in node_modules: their browser builds, which define the globals `marked` and `DOMPurify`. Each is
 * found through a path its package exports (marked exports its package.json, DOMPurify its minified build).
 */
export const ASSETS: Record<string, () => string> = {
  '/assets/marked.js': () =>
    require.resolve('marked/package.json').replace(/package\.json$/, 'lib/marked.umd.js'),
  '/assets/purify.js': () => require.resolve('dompurify/dist/purify.min.js'),
};

const cache = new Map<string, string>();

function load(path: string): string | undefined {
  const file = ASSETS[path];
  if (file === undefined) return undefined;
  let text = cache.get(path);
  if (text === undefined) {
    // The source map is not served; without this line a browser's devtools would ask for it.
    text = readFileSync(file(), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    cache.set(path, text);
  }
  return text;
}

export function sandboxAsset(path: string): Reply {
  const body = load(path);
  if (body === undefined) return { status: 404, body: { error: `no asset ${path}` } };
  return {
    status: 200,
    body,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' },
  };
}
