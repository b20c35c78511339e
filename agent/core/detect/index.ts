// The detection API the engine and the daemon use.
export type { DetectContext } from './context.js';
export { scanInstalls } from './scanInstalls.js';
export { scanConfigs } from './scanConfigs.js';
export { binaryMarkersOf, matchProcesses, processPrefilter } from './matchProcesses.js';
export { resolveLocation, parseLocation, displayPath } from './locations.js';
