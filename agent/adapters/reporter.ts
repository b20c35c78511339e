// Optional upload of the status to the organisation's collector; what could not be sent waits in an outbox on disk.
import fs from 'node:fs';
import path from 'node:path';
import type { ReportConfig } from './config.js';
import type { Status } from '../common/model.js';
import { replaceFile } from './stateFiles.js';

/** The outbox keeps at most this many reports; when the collector stays away longer, the oldest go first. */
const MAX_QUEUED = 100;
const SEND_TIMEOUT_MS = 10_000;

export interface ReporterResult {
  sent: number;
  queued: number;
  error?: string;
}

export class Reporter {
  private readonly outbox: string;
  private sending = false;

  constructor(
    private readonly report: ReportConfig,
    stateDir: string,
    private readonly post: typeof fetch = fetch,
  ) {
    this.outbox = path.join(stateDir, 'report-outbox.jsonl');
  }

  /** Queues this status, then sends everything queued, oldest first, stopping at the first failure. */
  async submit(status: Status): Promise<ReporterResult> {
    const queue = [...this.readQueue(), JSON.stringify(status)].slice(-MAX_QUEUED);
    this.writeQueue(queue);
    return this.flush();
  }

  async flush(): Promise<ReporterResult> {
    if (this.sending) return { sent: 0, queued: this.readQueue().length };
    this.sending = true;
    let sent = 0;
    try {
      const queue = this.readQueue();
      while (queue.length) {
        const body = queue[0] as string;
        try {
          const res = await this.post(this.report.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(this.report.headers ?? {}) },
            body,
            signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
          });
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
        } catch (err) {
          this.writeQueue(queue);
          return { sent, queued: queue.length, error: (err as Error).message };
        }
        queue.shift();
        sent++;
      }
      this.writeQueue(queue);
      return { sent, queued: 0 };
    } finally {
      this.sending = false;
    }
  }

  private readQueue(): string[] {
    try {
      return fs.readFileSync(this.outbox, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  }

  private writeQueue(queue: string[]): void {
    replaceFile(this.outbox, queue.map((l) => `${l}\n`).join(''));
  }
}
