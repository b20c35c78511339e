// The IPC server as an actor: the user and admin sockets, serving the handler table.
import type { IpcServer } from '../ipcServer.js';
import type { Actor } from './actor.js';

export function ipcActor(server: IpcServer): Actor {
  let running = false;
  return {
    name: 'ipc-server',
    get running() {
      return running;
    },
    async start() {
      await server.start();
      running = true;
    },
    async stop() {
      running = false;
      await server.stop();
    },
  };
}
