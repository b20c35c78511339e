// While the agent runs it alone enforces and owns the quarantine: commands that change either ask it on the admin socket.
import type { AgentConfig } from '../adapters/config.js';
import { DaemonClient } from '../client/daemonClient.js';
import { asCordonError } from '../common/errors.js';

/** Runs `ask` against the running agent's admin socket; null when no agent answers there (or not to this user). */
export async function askRunningAgent<T>(config: AgentConfig, ask: (client: DaemonClient) => Promise<T>): Promise<T | null> {
  let client: DaemonClient;
  try {
    client = await DaemonClient.connect(config.adminSocketPath, { connectTimeoutMs: 1000 });
  } catch (err) {
    if (asCordonError(err).code === 'daemon-unavailable') return null;
    throw err;
  }
  try {
    return await ask(client);
  } finally {
    client.close();
  }
}
