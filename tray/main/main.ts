// Electron entry of the tray (package.json `main`): registers the window scheme before ready, then starts the tray.
import os from 'node:os';
import { defaultUserSocket } from '../model/traySession.js';
import { registerWindowScheme, startTrayApp } from './trayApp.js';

registerWindowScheme();
startTrayApp({ socketPath: defaultUserSocket(process.platform, process.env), user: os.userInfo().username, platform: process.platform }).catch((err: Error) => {
  process.stderr.write(`cordon tray: ${err.message}\n`);
  process.exit(1);
});
