// What a hostile local user does to the daemon's user socket, run as that user by the attack tests.
// Usage: node ipcAttacker.mjs SOCKET MODE [N]; prints one JSON line with what happened.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const [socketPath, mode, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 1);

function connect() {
  return new Promise((resolve, reject) => {
    const s = net.createConnection(socketPath, () => resolve(s));
    s.once('error', reject);
  });
}

/** One reader per socket (a reader added later would start mid-line); each listener hears every message. */
function lines(socket, onLine) {
  if (!socket.readers) {
    socket.readers = [];
    let buf = '';
    socket.setEncoding('utf8');
    socket.on('data', (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const message = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        for (const fn of socket.readers) fn(message);
      }
    });
  }
  socket.readers.push(onLine);
}

function request(socket, method, params, id) {
  return new Promise((resolve) => {
    const onData = (reply) => {
      if (reply.id === id) resolve(reply);
    };
    lines(socket, onData);
    socket.write(`${JSON.stringify({ id, method, params })}\n`);
  });
}

async function floodRemediate() {
  // Pipelined refusals: each asks to fix a finding that does not exist, as fast as the socket takes them.
  const s = await connect();
  let answered = 0;
  const done = new Promise((resolve) => lines(s, () => (++answered === count ? resolve() : undefined)));
  let text = '';
  for (let i = 0; i < count; i++) text += `${JSON.stringify({ id: i, method: 'remediate', params: { finding: `f${i}-${'x'.repeat(200)}` } })}\n`;
  s.write(text);
  await done;
  s.destroy();
  return { answered };
}

async function hugeProof() {
  const s = await connect();
  const hello = await request(s, 'hello', {}, 1);
  const { nonce, proofDir } = hello.result;
  const proof = path.join(proofDir, nonce);
  const fd = fs.openSync(proof, 'wx', 0o600);
  fs.writeSync(fd, nonce);
  fs.ftruncateSync(fd, 2 * 1024 ** 3);
  fs.closeSync(fd);
  const t0 = Date.now();
  const reply = await request(s, 'hello', { nonce }, 2);
  const ms = Date.now() - t0;
  fs.rmSync(proof, { force: true });
  s.destroy();
  return { ms, error: reply.error?.code ?? null };
}

async function holdConnections(proven = false) {
  // As many as the daemon takes: what it closes at once (too many) does not count as held.
  const held = [];
  let refused = 0;
  for (let i = 0; i < count; i++) {
    try {
      const s = await connect();
      s.on('error', () => undefined);
      s.on('close', () => (s.gone = true));
      if (proven) await Promise.race([hello(s), new Promise((r) => s.once('close', r))]);
      else s.resume();
      held.push(s);
    } catch {
      refused++;
    }
  }
  await new Promise((r) => setTimeout(r, 1000));
  process.stdout.write(`${JSON.stringify({ opened: held.length, held: held.filter((s) => !s.gone).length, refused })}\n`);
  await new Promise((r) => setTimeout(r, 600_000));
}

/** Proves who the connection is, as the genuine client does (a nonce file in the proof folder). */
async function hello(s) {
  const { nonce, proofDir } = (await request(s, 'hello', {}, 'h1')).result;
  fs.writeFileSync(path.join(proofDir, nonce), nonce, { mode: 0o600 });
  return request(s, 'hello', { nonce }, 'h2');
}

async function subscribePaused() {
  // Proven subscribers that stop reading: each would hold every status pushed to it if the agent let it.
  const held = [];
  for (let i = 0; i < count; i++) {
    const s = await connect();
    await hello(s);
    await request(s, 'subscribe', {}, 's1');
    s.pushed = 0;
    lines(s, (m) => (m.event === 'status' ? s.pushed++ : undefined));
    s.pause();
    s.pushed = 0;
    held.push(s);
  }
  // On SIGUSR2 it reads again and says how many statuses the most patient socket still had coming.
  process.on('SIGUSR2', () => {
    for (const s of held) s.resume();
    setTimeout(() => process.stdout.write(`${JSON.stringify({ received: Math.max(...held.map((s) => s.pushed)) })}\n`), 2000);
  });
  process.stdout.write(`${JSON.stringify({ subscribed: held.length })}\n`);
  await new Promise((r) => setTimeout(r, 600_000));
}

async function myView() {
  // What this user is shown: proven, then unproven.
  const s = await connect();
  await hello(s);
  const status = (await request(s, 'status', {}, 'v1')).result;
  const history = (await request(s, 'history', { limit: 1000 }, 'v2')).result;
  s.destroy();
  const anon = await connect();
  const anonStatus = (await request(anon, 'status', {}, 'v3')).result;
  anon.destroy();
  const users = (items) => [...new Set(items.map((i) => i.user ?? null))].sort();
  return { findings: users(status.findings), inventory: users(status.inventory), history: users(history), unproven: users(anonStatus.findings) };
}

const modes = {
  'my-view': myView,
  'flood-remediate': floodRemediate,
  'huge-proof': hugeProof,
  'hold-connections': () => holdConnections(false),
  'hold-proven': () => holdConnections(true),
  'subscribe-paused': subscribePaused,
};
const result = await modes[mode]();
if (result) process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
