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

function lines(socket, onLine) {
  let buf = '';
  socket.setEncoding('utf8');
  socket.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      onLine(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
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

async function holdConnections() {
  const held = [];
  let refused = 0;
  for (let i = 0; i < count; i++) {
    try {
      held.push(await connect());
    } catch {
      refused++;
    }
  }
  process.stdout.write(`${JSON.stringify({ held: held.length, refused })}\n`);
  await new Promise((r) => setTimeout(r, 600_000));
}

async function subscribePaused() {
  const held = [];
  for (let i = 0; i < count; i++) {
    const s = await connect();
    s.write(`${JSON.stringify({ id: 1, method: 'subscribe' })}\n`);
    s.pause();
    held.push(s);
  }
  process.stdout.write(`${JSON.stringify({ subscribed: held.length })}\n`);
  await new Promise((r) => setTimeout(r, 600_000));
}

const modes = { 'flood-remediate': floodRemediate, 'huge-proof': hugeProof, 'hold-connections': holdConnections, 'subscribe-paused': subscribePaused };
const result = await modes[mode]();
if (result) process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
