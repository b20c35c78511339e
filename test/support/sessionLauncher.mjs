// Starts programs inside a session of its own, for tests whose agent acts only on one session (config `processScope`).
// Run under setsid. Reads one JSON array (argv) per line on stdin; writes {"pid"} when started and {"pid","signal","code"} at exit.
import { spawn } from 'node:child_process';
import readline from 'node:readline';

const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
say({ ready: process.pid });
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, ...args] = JSON.parse(line);
  const child = spawn(cmd, args, { stdio: 'ignore' });
  child.on('spawn', () => say({ pid: child.pid }));
  child.on('error', (e) => say({ error: e.message }));
  child.on('exit', (code, signal) => say({ pid: child.pid, code, signal }));
});
process.stdin.on('end', () => process.exit(0));
