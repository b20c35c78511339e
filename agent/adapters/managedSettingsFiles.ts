// Reads the organisation's own file-based Claude Code managed settings (every file but Cordon's), as Claude Code would.
import fs from 'node:fs';
import path from 'node:path';
import type { ManagedSettings } from '../core/gate/managedSettings.js';

/** Claude Code caps the helper's answer at 1 MB; a managed file larger than that is not a settings file. */
const MAX_FILE_BYTES = 1024 * 1024;

export interface OrganisationLayers {
  /** In Claude Code's order: managed-settings.json, then managed-settings.d/*.json by name. */
  layers: { file: string; settings: ManagedSettings }[];
  /** Files that exist but could not be read as a JSON object (Claude Code cannot use them either). */
  unreadable: { file: string; why: string }[];
}

function readLayer(file: string): ManagedSettings | string | null {
  let text: string;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) return 'not a regular file';
    if (st.size > MAX_FILE_BYTES) return `larger than ${MAX_FILE_BYTES} bytes`;
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : `cannot be read (${code ?? 'error'})`;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ManagedSettings) : 'not a JSON object';
  } catch {
    return 'not valid JSON';
  }
}

/** The organisation's managed files under `managedDir`, leaving out Cordon's own fragment `ownFragment` (a file name). */
export function readOrganisationLayers(managedDir: string, ownFragment: string): OrganisationLayers {
  const out: OrganisationLayers = { layers: [], unreadable: [] };
  const add = (file: string): void => {
    const got = readLayer(file);
    if (got === null) return;
    if (typeof got === 'string') out.unreadable.push({ file, why: got });
    else out.layers.push({ file, settings: got });
  };
  add(path.join(managedDir, 'managed-settings.json'));
  const dropIns = path.join(managedDir, 'managed-settings.d');
  let names: string[];
  try {
    names = fs.readdirSync(dropIns);
  } catch {
    names = [];
  }
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.') && n !== ownFragment).sort()) add(path.join(dropIns, name));
  return out;
}
