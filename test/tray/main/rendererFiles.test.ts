// The window's URL-to-file map serves the page, its styles, icons and compiled browser modules, and nothing else.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot, resolveRendererFile } from '../../../tray/main/rendererFiles.js';
import { repoRoot } from '../../support/paths.js';

function fakePackage(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-renderer-'));
  const files = [
    'package.json',
    'tray/renderer/index.html',
    'tray/renderer/styles.css',
    'tray/assets/tray-warning.png',
    'dist/tray/renderer/app.js',
    'dist/tray/model/trayView.js',
    'dist/tray/main/trayApp.js',
    'dist/agent/cli/main.js',
    'dist/agent/common/localize.js',
    'secret.txt',
  ];
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), f === 'package.json' ? '{"name":"cordon"}' : f);
  }
  return root;
}

describe('renderer files', () => {
  const root = fakePackage();

  it.each([
    ['/', 'tray/renderer/index.html', 'text/html; charset=utf-8'],
    ['/index.html?x=1#findings', 'tray/renderer/index.html', 'text/html; charset=utf-8'],
    ['/styles.css', 'tray/renderer/styles.css', 'text/css; charset=utf-8'],
    ['/assets/tray-warning.png', 'tray/assets/tray-warning.png', 'image/png'],
    ['/js/renderer/app.js', 'dist/tray/renderer/app.js', 'text/javascript; charset=utf-8'],
    ['/js/model/trayView.js', 'dist/tray/model/trayView.js', 'text/javascript; charset=utf-8'],
    ['/agent/common/localize.js', 'dist/agent/common/localize.js', 'text/javascript; charset=utf-8'],
  ])('serves %s', (url, file, contentType) => {
    expect(resolveRendererFile(url, root)).toEqual({ file: path.join(root, file), contentType });
  });

  it.each([
    '/js/main/trayApp.js',
    '/js/../agent/cli/main.js',
    '/agent/cli/main.js',
    '/agent/common/../cli/main.js',
    '/js/renderer/%2e%2e/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/secret.txt',
    '/package.json',
    '/js/renderer/missing.js',
  ])('refuses %s', (url) => {
    expect(resolveRendererFile(url, root)).toBeNull();
  });

  it('finds the package root from source and from dist', () => {
    expect(packageRoot(path.join(repoRoot, 'tray', 'main'))).toBe(repoRoot);
    expect(packageRoot(path.join(root, 'dist', 'tray', 'main'))).toBe(root);
  });
});
