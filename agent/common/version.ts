// The agent's version, shown in status and `cordon --version`.
export const AGENT_VERSION = '0.1.0';
