// Stable finding ids: the same thing under the same rule gets the same id in every scan, on every run.
import { createHash } from 'node:crypto';
import type { Observation } from '../../common/model.js';

/**
 * Installs and configs are identified by path (and, for configs, the signal), processes by pid and start
 * marker, so a restarted tool is a new finding while a long-running one keeps its id.
 */
export function findingId(obs: Observation, policy: string, rule: string): string {
  const identity =
    obs.kind === 'process' ? `${obs.pid ?? ''}@${obs.startTime ?? ''}` : obs.kind === 'config' ? `${obs.path ?? ''}#${obs.signal}` : (obs.path ?? '');
  const digest = createHash('sha256').update([policy, rule, obs.tool, obs.kind, identity].join('\u0000')).digest('hex');
  return `f-${digest.slice(0, 16)}`;
}
