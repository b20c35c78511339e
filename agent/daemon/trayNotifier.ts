// Notifications reach the user in their own session: the daemon (root or SYSTEM) hands each one to the tray the user
// runs, and shows its own only when no tray of that user is connected; the audit says which path showed it.
import type { Platform } from '../common/model.js';
import { sameUser } from '../core/nameCase.js';
import type { Notifier } from '../ports/index.js';
import type { StatusPublisher } from './statusPublisher.js';

export function trayFirstNotifier(publisher: Pick<StatusPublisher, 'notifyUsers'>, fallback: Notifier, platform: Platform): Notifier {
  return {
    async notify(n) {
      const note = { title: n.title, message: n.message, ...(n.finding !== undefined ? { finding: n.finding } : {}) };
      if (publisher.notifyUsers(n.user, note, (a, b) => sameUser(platform, a, b)) > 0) return { via: 'tray' };
      return fallback.notify(n);
    },
  };
}
