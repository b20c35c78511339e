// Who wrote a `hello` proof file, read the way this OS records a file's owner (see IpcServer's hello).
import type fs from 'node:fs';
import type { Platform } from '../common/model.js';
import { windowsProofOwner } from './win32/proofOwner.js';

/** The user a proof file proves: a uid where the OS has them (0 is the admin), and the name findings carry. */
export interface ProvenUser {
  uid?: number;
  user: string;
  /** Windows: the account's SID. */
  sid?: string;
}

/** Null when the owner proves no user the agent knows. */
export type ProofOwner = (file: string, st: fs.Stats) => Promise<ProvenUser | null>;

export function createProofOwner(platform: Platform, userName: (uid: number) => string | undefined): ProofOwner {
  if (platform === 'win32') {
    const read = windowsProofOwner();
    return (file) => read(file);
  }
  return (_file, st) => Promise.resolve({ uid: st.uid, user: userName(st.uid) ?? String(st.uid) });
}
