// A stand-in daemon speaking the user-socket NDJSON protocol, for tray tests that must control every reply.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { HistoryEntry, IpcRequest } from '../../../agent/common/ipc.js';
import type { Finding, Status } from '../../../agent/common/model.js';
import { computeCompliance, withDecisions } from '../../../agent/core/status/compliance.js';

export interface FakeDaemon {
  socketPath: string;
  requests: IpcRequest[];
  setStatus(status: Status): void;
  /** Drops every connection and stops listening (the daemon went away). */
  stop(): Promise<void>;
  /** Listens again on the same socket (the daemon came back). */
  restart(): Promise<void>;
  connections(): number;
}

export function findingFixture(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f-claude-code-1',
    tool: 'claude-code',
    policy: 'anthropic-ban',
    rule: 'claude-code',
    kind: 'install',
    path: '/home/alice/.local/bin/claude',
    user: 'alice',
    actions: ['report', 'notify'],
    deadline: '2026-07-10T00:00:00+08:00',
    deadlineActions: ['kill', 'quarantine'],
    state: 'open',
    detail: 'claude-code installed in ~/.local/bin',
    ...over,
  };
}

/** A status as the agent sends it: compliance and each finding's decisions come from the agent's own core. */
export function statusFixture(findings: Finding[], over: Partial<Status> = {}): Status {
  return {
    evaluatedAt: '2026-07-01T08:00:00Z',
    host: 'laptop-7',
    compliance: computeCompliance(findings),
    policies: [
      {
        id: 'anthropic-ban',
        version: 3,
        file: '/etc/cordon/policies/anthropic-ban.yaml',
        signedBy: 'it-sec-2026',
        issuer: 'Corporate IT Security',
        message: { en: 'Anthropic tools are banned from July 10, 2026.', 'zh-CN': '自 2026 年 7 月 10 日起禁止使用 Anthropic 工具。' },
        alternatives: [{ name: 'Qoder', url: 'https://qoder.example/' }],
      },
    ],
    policyErrors: [],
    inventory: [],
    findings: findings.map(withDecisions),
    ...over,
  };
}

const NONCE = '0123456789abcdef0123456789abcdef';

export async function startFakeDaemon(
  initial: Status,
  options: { history?: HistoryEntry[]; explain?: unknown; owner?: string; failRemediation?: string } = {},
): Promise<FakeDaemon> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-fake-daemon-'));
  const socketPath = path.join(dir, 'cordon.sock');
  let status = initial;
  const requests: IpcRequest[] = [];
  const sockets = new Set<net.Socket>();
  const subscribers = new Set<net.Socket>();
  const history: HistoryEntry[] = [...(options.history ?? [])];

  const push = (): void => {
    for (const s of subscribers) s.write(`${JSON.stringify({ event: 'status', result: status })}\n`);
  };
  const answer = (socket: net.Socket, req: IpcRequest): void => {
    const reply = (body: { result: unknown } | { error: { code: string; message: string } }): void => {
      socket.write(`${JSON.stringify({ id: req.id, ...body })}\n`);
    };
    switch (req.method) {
      case 'hello': {
        if (req.params?.nonce === undefined) return reply({ result: { nonce: NONCE, proofDir: dir } });
        const proof = path.join(dir, String(req.params.nonce));
        const proven = fs.existsSync(proof) && fs.readFileSync(proof, 'utf8') === NONCE;
        return reply(proven ? { result: { user: options.owner ?? 'alice', uid: 1000 } } : { error: { code: 'forbidden', message: 'no proof' } });
      }
      case 'subscribe':
        subscribers.add(socket);
        return reply({ result: { subscribed: true } });
      case 'status':
      case 'scan':
        return reply({ result: status });
      case 'history':
        return reply({ result: history });
      case 'explain':
        return reply({ result: options.explain ?? { reads: ['process list'], sends: [] } });
      case 'remediate': {
        const id = req.params?.finding;
        const finding = status.findings.find((f) => f.id === id);
        if (!finding) return reply({ error: { code: 'not-found', message: `no finding ${String(id)}` } });
        if (options.owner !== undefined && finding.user !== options.owner) return reply({ error: { code: 'forbidden', message: 'not your finding' } });
        if (options.failRemediation) return reply({ error: { code: 'quarantine-failed', message: options.failRemediation } });
        const done: Finding = { ...finding, state: 'remediated', outcome: `quarantined ${finding.path ?? ''}`.trim() };
        status = statusFixture(
          status.findings.map((f) => (f.id === id ? done : f)),
          { policies: status.policies },
        );
        history.push({ time: '2026-07-01T08:01:00Z', event: 'quarantine', tool: finding.tool, path: finding.path, outcome: 'ok' });
        reply({ result: { finding: withDecisions(done) } });
        return push();
      }
      default:
        return reply({ error: { code: 'ipc-unknown-method', message: `unknown method ${req.method}` } });
    }
  };

  let server: net.Server;
  const listen = async (): Promise<void> => {
    fs.rmSync(socketPath, { force: true });
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.setEncoding('utf8');
      let buffer = '';
      socket.on('data', (chunk: string) => {
        buffer += chunk;
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          const req = JSON.parse(line) as IpcRequest;
          requests.push(req);
          answer(socket, req);
        }
      });
      socket.on('close', () => {
        sockets.delete(socket);
        subscribers.delete(socket);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  };
  await listen();
  return {
    socketPath,
    requests,
    setStatus(next) {
      status = next;
      push();
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    restart: listen,
    connections: () => sockets.size,
  };
}
