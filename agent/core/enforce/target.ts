// What enforcement needs to act on an observation, taken from it once so findings carry it to the plan.
import type { InstallPart, Observation, Target } from '../../common/model.js';

export function targetOf(obs: Observation): Target {
  switch (obs.kind) {
    case 'process':
      if (obs.pid === undefined) return { kind: 'unplaced', reason: 'the agent cannot tell which process this is, so it does not stop it' };
      return { kind: 'process', pid: obs.pid, ...(obs.startTime ? { startTime: obs.startTime } : {}) };
    case 'install':
      if (obs.path === undefined || obs.scanRoot === undefined || obs.role === 'evidence') {
        return { kind: 'unplaced', reason: 'the agent cannot tell where this install was found, so it does not move it' };
      }
      return {
        kind: 'install',
        path: obs.path,
        scanRoot: obs.scanRoot,
        role: obs.role ?? 'program',
        ...(obs.parts && obs.parts.length > 1 ? { parts: movableParts(obs.parts) } : {}),
      };
    case 'config':
      return { kind: 'settings', path: obs.path ?? '' };
  }
}

function isInside(child: string, parent: string): boolean {
  return child !== parent && (child.startsWith(`${parent}/`) || child.startsWith(`${parent}\\`));
}

/** The parts of an install quarantine moves: programs and data, each once (a version folder goes with its store); never evidence. */
function movableParts(parts: readonly InstallPart[]): { path: string; role: 'program' | 'data' }[] {
  const movable = parts.flatMap((p) => (p.role === 'evidence' ? [] : [{ path: p.path, role: p.role }]));
  return movable.filter((p) => !movable.some((other) => isInside(p.path, other.path)));
}
