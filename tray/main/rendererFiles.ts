// Maps the window's URLs to files in the package, for the Electron protocol handler and the dev bridge alike.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this file whose package.json is Cordon's (source, dist or app.asar). */
export function packageRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'cordon') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no Cordon package.json above ${from}`);
    dir = parent;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
};

/** Only these compiled folders are reachable from the window; main-process and Node-only code never is. */
const SCRIPT_FOLDERS = new Set(['renderer', 'model', 'devbridge']);

export interface RendererFile {
  file: string;
  contentType: string;
}

/**
 * `/` and `/index.html`, `/styles.css` come from tray/renderer, `/assets/*.png` from tray/assets,
 * `/js/<renderer|model|devbridge>/<name>.js` from the compiled dist/tray, and `/agent/common/<name>.js` (the agent's
 * pure shared vocabulary, which the window's modules import as `../../agent/common/…`) from dist/agent/common.
 * Anything else is null (404).
 */
export function resolveRendererFile(urlPath: string, root: string = packageRoot()): RendererFile | null {
  const clean = decodeURIComponent(urlPath.split(/[?#]/)[0] ?? '/');
  const parts = clean.split('/').filter(Boolean);
  if (parts.some((p) => p === '..' || p.includes('\\'))) return null;
  let file: string | null = null;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'index.html')) file = path.join(root, 'tray', 'renderer', 'index.html');
  else if (parts.length === 1 && parts[0] === 'styles.css') file = path.join(root, 'tray', 'renderer', 'styles.css');
  else if (parts.length === 2 && parts[0] === 'assets' && parts[1]?.endsWith('.png')) file = path.join(root, 'tray', 'assets', parts[1]);
  else if (parts.length === 3 && parts[0] === 'js' && SCRIPT_FOLDERS.has(parts[1] ?? '') && parts[2]?.endsWith('.js'))
    file = path.join(root, 'dist', 'tray', parts[1] as string, parts[2]);
  else if (parts.length === 3 && parts[0] === 'agent' && parts[1] === 'common' && parts[2]?.endsWith('.js'))
    file = path.join(root, 'dist', 'agent', 'common', parts[2]);
  if (!file || !fs.existsSync(file)) return null;
  return { file, contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream' };
}
