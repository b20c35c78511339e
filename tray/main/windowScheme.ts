// Registers the window's `cordon://` scheme on import: Electron needs it before `ready`, and with an ESM entry only
// the side effects of the entry's imports are certain to run before `ready`.
import { protocol } from 'electron';

export const WINDOW_SCHEME = 'cordon';

/** A secure standard scheme, so the window has a real origin and CSP 'self' applies to it. */
protocol.registerSchemesAsPrivileged([{ scheme: WINDOW_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
