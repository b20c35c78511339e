// Picks the process sources for this OS: /proc and the proc connector on Linux, ps-list and eslogger on macOS, WMI on Windows.
import fs from 'node:fs';
import type { ProcessEventSource, ProcessSource } from '../../ports/index.js';
import { createUserNames } from '../users.js';
import { createEsloggerSource } from './darwin/eslogger.js';
import { createProcConnectorSource } from './linux/procConnector.js';
import { createProcReader, readProcessNow } from './procReader.js';
import { createPsListSource } from './psListSource.js';
import { createWin32ProcessSource, createWmiSource } from './win32/wmi.js';

export { createExeMarkReader, type ExeMarkReader } from './exeMarks.js';
export { createProcReader } from './procReader.js';
export { createPsListSource } from './psListSource.js';

function hasProc(): boolean {
  return process.platform === 'linux' && fs.existsSync('/proc/self/stat');
}

export function createProcessSource(opts: { incremental: boolean }): ProcessSource {
  const userName = createUserNames();
  if (hasProc()) return createProcReader({ ...opts, userName });
  if (process.platform === 'win32') return createWin32ProcessSource();
  return createPsListSource({ userName });
}

/** The exec event source of this OS, or null where there is none (polling alone). */
export function createProcessEventSource(): ProcessEventSource | null {
  const userName = createUserNames();
  if (hasProc()) return createProcConnectorSource({ readProcess: (pid, wants) => readProcessNow(pid, { userName, ...(wants ? { wants } : {}) }) });
  if (process.platform === 'darwin') return createEsloggerSource({ userName });
  if (process.platform === 'win32') return createWmiSource();
  return null;
}
