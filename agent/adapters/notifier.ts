// Desktop notifications through node-notifier; where no notification service exists it reports why instead of failing.
import type nodeNotifier from 'node-notifier';
import type { Notifier } from '../ports/index.js';

export const desktopNotifier: Notifier = {
  async notify(n) {
    // Loaded on the first notification: node-notifier and its dependencies are about 10 MB of a resting agent's memory.
    let notifier: typeof nodeNotifier;
    try {
      notifier = (await import('node-notifier')).default;
    } catch (err) {
      return (err as Error).message;
    }
    return new Promise((resolve) => {
      try {
        notifier.notify({ title: n.title, message: n.message, wait: false }, (err) => {
          resolve(err ? String(err.message ?? err) : null);
        });
      } catch (err) {
        resolve((err as Error).message);
      }
    });
  },
};
