// The agent's own desktop notifications through node-notifier: the fallback when no tray of the user is connected (a
// root or SYSTEM service's notification rarely reaches a user's desktop). Where no service exists it says why.
import type nodeNotifier from 'node-notifier';
import type { Notifier } from '../ports/index.js';

export const desktopNotifier: Notifier = {
  async notify(n) {
    // Loaded on the first notification: node-notifier and its dependencies are about 10 MB of a resting agent's memory.
    let notifier: typeof nodeNotifier;
    try {
      notifier = (await import('node-notifier')).default;
    } catch (err) {
      return { via: null, error: (err as Error).message };
    }
    return new Promise((resolve) => {
      try {
        notifier.notify({ title: n.title, message: n.message, wait: false }, (err) => {
          resolve(err ? { via: null, error: String(err.message ?? err) } : { via: 'agent' });
        });
      } catch (err) {
        resolve({ via: null, error: (err as Error).message });
      }
    });
  },
};
