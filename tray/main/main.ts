// Electron entry of the tray (package.json `main`); importing trayApp registers the window scheme before `ready`.
import os from 'node:os';
import { userSocketFromEnv } from '../../agent/common/ipc.js';
import { startTrayApp } from './trayApp.js';

startTrayApp({ socketPath: userSocketFromEnv(process.platform, process.env), user: os.userInfo().username, platform: process.platform }).catch((err: Error) => {
  process.stderr.write(`cordon tray: ${err.message}\n`);
  process.exit(1);
});
