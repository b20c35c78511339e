// The detection API the engine and the daemon use.
export type { DetectContext } from './context.js';
export { scanInstalls } from './scanInstalls.js';
export { scanConfigs, DEFAULT_CONFIG_MAX_BYTES } from './scanConfigs.js';
export { matchProcesses } from './matchProcesses.js';
export { watchTargets } from './watchTargets.js';
export { resolveLocation, parseLocation, displayPath } from './locations.js';
