// The genuine @anthropic-ai/claude-code from the npm registry, installed once per machine into a cache, and a stand-in Messages API.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** Pinned so every run tests the same client; the managed-settings behaviour was checked on this version. */
export const CLAUDE_CODE_VERSION = '2.1.332';

const cacheDir = (): string => path.join(process.env.CORDON_TEST_CACHE ?? path.join(os.homedir(), '.cache', 'cordon-test'), 'claude-code');

/** Path of the native `claude` binary, installing the package into the cache first when it is not there (about 240 MB). */
export function claudeCodeBinary(): string {
  const dir = cacheDir();
  const pkg = path.join(dir, 'node_modules', '@anthropic-ai', 'claude-code');
  const bin = path.join(pkg, 'bin', 'claude.exe');
  const installed = (): boolean => {
    try {
      return JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'), 'utf8')).version === CLAUDE_CODE_VERSION && fs.statSync(bin).size > 1_000_000;
    } catch {
      return false;
    }
  };
  if (!installed()) {
    fs.mkdirSync(dir, { recursive: true });
    const r = spawnSync(
      'npm',
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--foreground-scripts', `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`],
      {
        encoding: 'utf8',
        timeout: 900_000,
      },
    );
    if (r.status !== 0 || !installed()) throw new Error(`npm install of @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION} failed: ${r.stderr}`);
  }
  return bin;
}

/** Offline: a throwaway HOME, a dummy key (no login prompt), the stand-in API, no telemetry or update checks. */
export function claudeEnv(home: string, apiUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    ANTHROPIC_API_KEY: 'dummy',
    ANTHROPIC_BASE_URL: apiUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}

export interface ClaudeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function runClaude(bin: string, args: string[], env: NodeJS.ProcessEnv, as?: { uid: number; gid: number }, timeoutMs = 30_000): Promise<ClaudeRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: env.HOME, ...(as ?? {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** A stand-in for the Anthropic Messages API on 127.0.0.1: records the model of each request, answers "ok". */
export async function startMessagesApi(): Promise<{ url: string; models: string[]; close(): Promise<void> }> {
  const models: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (!req.url?.startsWith('/v1/messages') || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"not_found_error","message":"not here"}}');
        return;
      }
      let request: { model?: string; stream?: boolean };
      try {
        request = JSON.parse(body);
      } catch {
        request = {};
      }
      const model = request.model ?? 'unknown';
      models.push(model);
      const message = {
        id: 'msg_test',
        type: 'message',
        role: 'assistant',
        model,
        content: [{ type: 'text', text: 'ok' }],
        stop_reason: 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 1, output_tokens: 1 },
      };
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(message));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = (type: string, data: object) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      event('message_start', { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 0 } } });
      event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
      event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'ok' } });
      event('content_block_stop', { index: 0 });
      event('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 1 } });
      event('message_stop', {});
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, models, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Every file and folder under `dir` with its bytes and mode, to put a folder back exactly as it was. */
export interface TreeSnapshot {
  existed: boolean;
  entries: { rel: string; mode: number; uid: number; gid: number; data: Buffer | null }[];
}

export function snapshotTree(dir: string): TreeSnapshot {
  if (!fs.existsSync(dir)) return { existed: false, entries: [] };
  const entries: TreeSnapshot['entries'] = [];
  const walk = (rel: string): void => {
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    entries.push({ rel, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, data: st.isFile() ? fs.readFileSync(abs) : null });
    if (st.isDirectory()) for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name));
  };
  walk('');
  return { existed: true, entries };
}

export function restoreTree(dir: string, snap: TreeSnapshot): void {
  fs.rmSync(dir, { recursive: true, force: true });
  if (!snap.existed) return;
  for (const e of snap.entries) {
    const abs = path.join(dir, e.rel);
    if (e.data === null) fs.mkdirSync(abs, { recursive: true });
    else fs.writeFileSync(abs, e.data);
    fs.chmodSync(abs, e.mode);
    fs.chownSync(abs, e.uid, e.gid);
  }
}
