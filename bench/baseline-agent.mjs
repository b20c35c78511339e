// The naive agent Cordon is measured against: what a quick script would do each period (ps-list, match, SIGKILL, stat paths).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import psList from 'ps-list';

const { values } = parseArgs({
  options: {
    period: { type: 'string', default: '200' },
    audit: { type: 'string' },
    home: { type: 'string', multiple: true, default: [] },
    'system-root': { type: 'string', default: '/' },
    session: { type: 'string' },
  },
});
const periodMs = Number(values.period);
const auditFile = values.audit;
if (!auditFile || !(periodMs > 0)) {
  process.stderr.write('usage: baseline-agent.mjs --audit FILE [--period MS] [--home DIR]... [--system-root DIR] [--session SID]\n');
  process.exit(64);
}

const installPaths = [
  ...values.home.flatMap((home) => [
    path.join(home, '.local/bin/claude'),
    path.join(home, '.local/share/claude'),
    path.join(home, '.claude/local/claude'),
    path.join(home, '.npm-global/lib/node_modules/@anthropic-ai/claude-code'),
  ]),
  path.join(values['system-root'], 'usr/local/bin/claude'),
  path.join(values['system-root'], 'usr/local/lib/node_modules/@anthropic-ai/claude-code'),
  path.join(values['system-root'], 'usr/lib/node_modules/@anthropic-ai/claude-code'),
];

// The bench's fence: with --session, only processes of that session are looked at (and killed).
const session = values.session === undefined ? null : Number(values.session);
function inScope(pid) {
  if (session === null) return true;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]) === session;
  } catch {
    return false;
  }
}

function audit(event) {
  fs.appendFileSync(auditFile, JSON.stringify({ time: new Date().toISOString(), tool: 'claude-code', ...event }) + '\n');
}

const present = new Set();

async function tick() {
  for (const p of await psList()) {
    if (p.pid === process.pid) continue;
    if ((p.name.includes('claude') || (p.cmd ?? '').includes('claude')) && inScope(p.pid)) {
      audit({ event: 'detected', kind: 'process', pid: p.pid, path: p.path });
      try {
        process.kill(p.pid, 'SIGKILL');
        audit({ event: 'kill', kind: 'process', pid: p.pid, outcome: 'ok' });
      } catch (err) {
        audit({ event: 'kill', kind: 'process', pid: p.pid, outcome: 'failed', detail: err.code });
      }
    }
  }
  for (const p of installPaths) {
    if (fs.existsSync(p)) {
      if (!present.has(p)) audit({ event: 'detected', kind: 'install', path: p });
      present.add(p);
    } else {
      present.delete(p);
    }
  }
}

let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});

await tick();
audit({ event: 'agent-start', detail: `period ${periodMs} ms` });
while (!stopping) {
  await new Promise((resolve) => setTimeout(resolve, periodMs));
  if (!stopping) await tick();
}
audit({ event: 'agent-stop' });
