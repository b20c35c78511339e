// The quarantine adapter's public face: the class that moves installs aside and back, and its record types.
export { Quarantine, type QuarantineOptions, type QuarantineRequest, type RecoveryReport, type RecoveredOperation } from './quarantine.js';
export type { InstallRole, QuarantineItem } from '../../common/model.js';
export type { Manifest } from './manifest.js';
export type { TreeEntry } from './tree.js';
