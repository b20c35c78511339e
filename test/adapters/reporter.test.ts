// The status upload: delivered to a real local collector, queued on disk while it is away, sent in order when it is back.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Reporter } from '../../agent/adapters/reporter.js';
import type { Status } from '../../agent/common/model.js';

function status(n: number): Status {
  return { evaluatedAt: `2026-07-10T00:00:0${n}.000Z`, host: 'laptop-7', compliance: 'compliant', policies: [], policyErrors: [], inventory: [], findings: [] };
}

async function collector(port = 0): Promise<{ server: http.Server; url: string; received: Array<{ body: Status; token?: string }> }> {
  const received: Array<{ body: Status; token?: string }> = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ body: JSON.parse(body) as Status, token: req.headers['x-token'] as string | undefined });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`, received };
}

describe('Reporter', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('posts the status JSON with the configured headers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-report-'));
    dirs.push(dir);
    const c = await collector();
    const r = await new Reporter({ url: c.url, headers: { 'x-token': 'fleet' } }, dir).submit(status(1));
    c.server.close();
    expect(r).toEqual({ sent: 1, queued: 0 });
    expect(c.received).toEqual([{ body: status(1), token: 'fleet' }]);
  });

  it('keeps reports in the outbox while the collector is away and sends them in order when it is back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-report-'));
    dirs.push(dir);
    const c = await collector();
    const { port } = c.server.address() as AddressInfo;
    await new Promise<void>((r) => c.server.close(() => r()));
    const reporter = new Reporter({ url: c.url }, dir);
    const first = await reporter.submit(status(1));
    const second = await reporter.submit(status(2));
    expect(first.queued).toBe(1);
    expect(second).toMatchObject({ sent: 0, queued: 2 });
    expect(second.error).toBeTruthy();
    expect(fs.readFileSync(path.join(dir, 'report-outbox.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const back = await collector(port);
    const third = await reporter.submit(status(3));
    back.server.close();
    expect(third).toEqual({ sent: 3, queued: 0 });
    expect(back.received.map((r) => r.body.evaluatedAt)).toEqual([status(1), status(2), status(3)].map((s) => s.evaluatedAt));
  });
});
