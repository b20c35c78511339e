// Reads the root-written decision file of a start hook; anything odd about it is a reason, never a crash or a hang.
import fs from 'node:fs';
import { checkDecisions, type GateDecisions } from '../core/gate/decisions.js';

/** Even a machine with thousands of exempt users stays far below this; a larger file is not ours. */
const MAX_DECISIONS_BYTES = 4 * 1024 * 1024;

/** The decisions, or why they cannot be used (missing, unreadable, too large, not JSON, wrong shape). */
export function readStartHookDecisions(file: string, tool: string): GateDecisions | string {
  let text: string;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return `${file} is not a regular file`;
      if (st.size > MAX_DECISIONS_BYTES) return `${file} is larger than ${MAX_DECISIONS_BYTES} bytes`;
      text = fs.readFileSync(fd, 'utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? `${file} does not exist` : `${file} cannot be read (${code ?? 'error'})`;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${file} is not valid JSON`;
  }
  const checked = checkDecisions(value, tool);
  return typeof checked === 'string' ? `${file}: ${checked}` : checked;
}
