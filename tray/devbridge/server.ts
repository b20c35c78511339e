// Serves the window over http on 127.0.0.1 with a `window.cordon` that reaches the real daemon through a TraySession.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import { asCordonError } from '../../agent/common/errors.js';
import { resolveRendererFile } from '../main/rendererFiles.js';
import { exceptionAskFrom } from '../model/bridge.js';
import { TraySession } from '../model/traySession.js';
import type { WindowPage } from '../model/trayView.js';

export interface DevBridgeOptions {
  socketPath: string;
  /** The user the window acts for (whose findings offer "Fix now"). */
  user: string;
  port?: number;
  initialRetryMs?: number;
  maxRetryMs?: number;
}

export interface DevBridge {
  url: string;
  session: TraySession;
  /** Asks open windows to show a page, like the tray menu does. */
  navigate(page: WindowPage): void;
  close(): Promise<void>;
}

const DEVBRIDGE_SCRIPT = '<script type="module" src="/js/devbridge/client.js"></script>';
const MAX_BODY_BYTES = 16 * 1024;

function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) req.destroy(new Error('request too large'));
    });
    req.on('end', () => {
      try {
        resolve(body ? (JSON.parse(body) as Record<string, unknown>) : {});
      } catch (err) {
        reject(err as Error);
      }
    });
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, code: number, value: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(value ?? null));
}

export async function startDevBridge(options: DevBridgeOptions): Promise<DevBridge> {
  const session = new TraySession({ ...options, locale: 'en' });
  const streams = new Set<http.ServerResponse>();
  const push = (event: string, data: unknown): void => {
    for (const res of streams) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  session.on('view', (view) => push('view', view));

  const api = async (req: http.IncomingMessage, res: http.ServerResponse, route: string): Promise<void> => {
    switch (route) {
      case 'GET /api/view':
        return sendJson(res, 200, session.view);
      case 'GET /api/events':
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(`event: view\ndata: ${JSON.stringify(session.view)}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
        return;
      case 'POST /api/remediate': {
        const { finding } = await readJson(req);
        if (typeof finding !== 'string') return sendJson(res, 400, { error: 'finding id expected' });
        try {
          await session.remediate(finding);
          return sendJson(res, 200, { ok: true });
        } catch (err) {
          return sendJson(res, 200, { ok: false, error: asCordonError(err).message });
        }
      }
      case 'POST /api/request-exception': {
        const ask = exceptionAskFrom(await readJson(req));
        if (!ask) return sendJson(res, 400, { error: 'tool and reason expected' });
        try {
          await session.requestException(ask);
          return sendJson(res, 200, { ok: true });
        } catch (err) {
          return sendJson(res, 200, { ok: false, error: asCordonError(err).message });
        }
      }
      case 'POST /api/scan':
        await session.scan();
        return sendJson(res, 200, null);
      case 'GET /api/history':
        return sendJson(res, 200, await session.history());
      case 'GET /api/explain':
        return sendJson(res, 200, await session.explain(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('lang') === 'zh-CN' ? 'zh-CN' : 'en'));
      default:
        return sendJson(res, 404, { error: `no route ${route}` });
    }
  };

  const server = http.createServer((req, res) => {
    const urlPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (urlPath.startsWith('/api/')) {
      api(req, res, `${req.method ?? 'GET'} ${urlPath}`).catch((err: unknown) => sendJson(res, 503, { error: asCordonError(err).message }));
      return;
    }
    const found = req.method === 'GET' ? resolveRendererFile(urlPath) : null;
    if (!found) {
      res.writeHead(404).end();
      return;
    }
    let body: Buffer | string = fs.readFileSync(found.file);
    if (found.file.endsWith('index.html')) body = body.toString('utf8').replace('<!--devbridge-->', DEVBRIDGE_SCRIPT);
    res.writeHead(200, { 'content-type': found.contentType, 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  session.start();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    session,
    navigate: (page) => push('navigate', page),
    close: async () => {
      session.stop();
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
