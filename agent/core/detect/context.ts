// What a scan needs to know about the machine it looks at: which OS's layout, where the system root and the homes are.
import type { Platform } from '../../common/model.js';
import type { HomeDir } from '../../ports/index.js';

export interface DetectContext {
  platform: Platform;
  /** Prefix of system-wide locations: `/` on a live Linux or macOS, the system drive on Windows, a mount point for an image. */
  systemRoot: string;
  homes: HomeDir[];
  /** Owner name of a system-wide file, from its uid, where the OS can tell. */
  userName?: (uid: number) => string | undefined;
}
