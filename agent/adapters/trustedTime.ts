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
 * How far ahead of the real clock the mark may be and still be believed. A clock set back by days cannot undo a
 * phase; a mark weeks ahead more likely came from one wrong clock reading (a bad RTC, a bogus NTP answer) than
 * from the clock being set back, and believing it would expire every policy for good.
 */
export const MAX_MARK_AHEAD_MS = 30 * 24 * 3600 * 1000;

/**
 * Reads the mark and, unless `readOnly`, moves it forward to the real clock. A state dir that cannot be
 * written (a user running `cordon scan`) still gets the guard from the mark it can read. A mark too far ahead
 * is not used: policies are evaluated at the real clock, and the `clock-suspect` warning keeps status from
 * reading compliant until an administrator checks the clock and runs `cordon policy reset-clock`.
 */
export function trustedNow(stateDir: string, realNow: Date, readOnly = false): TrustedTime {
  const file = clockFile(stateDir);
  const mark = readMark(file);
  const real = realNow.getTime();
  if (mark !== null && mark > real + MAX_MARK_AHEAD_MS) {
    return {
      now: realNow,
      warning: {
        file,
        code: 'clock-suspect',
        message: `the latest trusted time seen (${new Date(mark).toISOString()}) is more than 30 days ahead of the system clock (${realNow.toISOString()}); one of them is wrong, so policies are evaluated at the system clock. Check the clock, then run "cordon policy reset-clock" as an administrator`,
      },
      stored: true,
    };
  }
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

/** The administrator's answer to `clock-suspect`: the mark is set to the real clock. */
export function resetTrustedTime(stateDir: string, realNow: Date): boolean {
  return writeFileAtomic(clockFile(stateDir), `${JSON.stringify({ highWater: realNow.toISOString() })}\n`);
}
