// How often the daemon says it is alive, and after how long silence every integration reads "not reporting".

/** The daemon writes a heartbeat this often (status and cordon.db). */
export const HEARTBEAT_SECONDS = 60;

/**
 * Five missed heartbeats: long enough that a suspended laptop waking up or a busy minute is not "stale",
 * short enough that Fleet's hourly policies and Jamf's inventory runs see a stopped agent on their next run.
 */
export const STALE_AFTER_SECONDS = 300;

export function isStale(heartbeatAt: string | null | undefined, staleAfterSeconds: number, now: Date): boolean {
  if (!heartbeatAt) return true;
  const at = Date.parse(heartbeatAt);
  return Number.isNaN(at) || now.getTime() - at > staleAfterSeconds * 1000;
}
