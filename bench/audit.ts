// Follows an agent's audit.jsonl (Cordon's, or the baseline's in the same format) and answers "when did it see X".
import fs from 'node:fs';

export interface AuditEvent {
  time: string;
  event: string;
  tool?: string;
  kind?: string;
  path?: string;
  pid?: number;
  policy?: string;
  outcome?: string;
  detail?: string;
}

/** Parses complete JSON lines; a trailing partial line is left for the next read. */
export function parseAuditChunk(text: string): { events: AuditEvent[]; rest: string } {
  const lines = text.split('\n');
  const rest = lines.pop() ?? '';
  const events: AuditEvent[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const v = JSON.parse(line) as AuditEvent;
    if (typeof v.time === 'string' && typeof v.event === 'string') events.push(v);
  }
  return { events, rest };
}

export class AuditTail {
  private offset = 0;
  private rest = '';
  readonly events: AuditEvent[] = [];

  constructor(private readonly file: string) {}

  /** Reads what was appended since the last call. */
  poll(): AuditEvent[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return [];
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const { events, rest } = parseAuditChunk(this.rest + buf.toString('utf8'));
      this.rest = rest;
      this.events.push(...events);
      return events;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Waits (polling every few ms) for the first event since `fromIndex` that satisfies `match`. */
  async waitFor(match: (e: AuditEvent) => boolean, timeoutMs: number, fromIndex = 0): Promise<AuditEvent | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.poll();
      const hit = this.events.slice(fromIndex).find(match);
      if (hit) return hit;
      if (Date.now() > deadline) return null;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  find(match: (e: AuditEvent) => boolean, fromIndex = 0): AuditEvent | undefined {
    this.poll();
    return this.events.slice(fromIndex).find(match);
  }
}

export function eventTimeMs(e: AuditEvent): number {
  return Date.parse(e.time);
}
