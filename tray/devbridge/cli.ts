// `node dist/tray/devbridge/cli.js [--socket PATH] [--port N]`: the tray window in any browser, for development.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { userSocketFromEnv } from '../../agent/common/ipc.js';
import { startDevBridge } from './server.js';

const { values } = parseArgs({ options: { socket: { type: 'string' }, port: { type: 'string' }, user: { type: 'string' } } });
const bridge = await startDevBridge({
  socketPath: values.socket ?? userSocketFromEnv(process.platform, process.env),
  user: values.user ?? os.userInfo().username,
  port: values.port ? Number(values.port) : 0,
});
process.stdout.write(`Cordon window: ${bridge.url}\n`);
const stop = (): void => void bridge.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
