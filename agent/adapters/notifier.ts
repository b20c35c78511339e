// Desktop notifications through node-notifier; where no notification service exists it reports why instead of failing.
import notifier from 'node-notifier';
import type { Notifier } from '../ports/index.js';

export const desktopNotifier: Notifier = {
  notify(n) {
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
