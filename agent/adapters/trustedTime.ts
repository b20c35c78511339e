// The clock guard: a high-water mark of trusted time in the state dir, so setting the clock back cannot undo a phase.
import fs from 'node:fs';
import path from 'node:path';
import type { PolicyError } from '../common/model.js';
import { writeFileAtomic } from './stateFiles.js';

export interface TrustedTime {
  /** max(real clock, high-water mark). */
  now: Date;
  /** Set when the real clock is behind the mark (it was set back). */
  warning: PolicyError | null;
  /** False when the mark should have moved but the state dir could not be written. */
  stored: boolean;
}

export function clockFile(stateDir: string): string {
  return path.join(stateDir, 'clock.json');
}

function readMark(file: string): number | null {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { highWater?: unknown };
    const t = typeof doc.highWater === 'string' ? Date.parse(doc.highWater) : NaN;
    return Number.isFinite(t) ? t : null;
  } catch {
    return null;
  }
}

/**
 * Reads the mark and, unless `readOnly`, moves it forward to the real clock. A state dir that cannot be
 * written (a user running `cordon scan`) still gets the guard from the mark it can read.
 */
export function trustedNow(stateDir: string, realNow: Date, readOnly = false): TrustedTime {
  const file = clockFile(stateDir);
  const mark = readMark(file);
  const real = realNow.getTime();
  if (mark !== null && mark > real) {
    return {
      now: new Date(mark),
      warning: {
        file,
        code: 'clock-behind',
        message: `the system clock (${realNow.toISOString()}) is behind the latest trusted time seen (${new Date(mark).toISOString()}); policies are evaluated at the later time, so setting the clock back undoes no phase`,
      },
      stored: true,
    };
  }
  const stored = readOnly || writeFileAtomic(file, `${JSON.stringify({ highWater: realNow.toISOString() })}\n`);
  return { now: realNow, warning: null, stored };
}
