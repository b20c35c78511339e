// What Jamf, Intune and osquery scripts are told: compliance or "not reporting", days to the next deadline, Jamf dates.
import { describe, expect, it } from 'vitest';
import { fleetFactsArgv, formatFacts } from '../../agent/cli/fleetFacts.js';
import { fleetFacts, jamfDate, type FleetRead } from '../../agent/core/fleet/facts.js';

const now = new Date('2026-07-05T00:00:00.000Z');
const agent = {
  host: 'laptop-7',
  version: '0.1.0',
  compliance: 'warning',
  heartbeat_at: '2026-07-04T23:59:00.000Z',
  last_pass_at: '2026-07-04T23:58:30.000Z',
  stale_after_seconds: 300,
};
const read: FleetRead = {
  agent,
  findings: [
    { state: 'open', due: 0, deadline: '2026-07-09T16:00:00.000Z', tool: 'claude-code' },
    { state: 'exempt', due: 0, deadline: '2026-07-06T00:00:00.000Z', tool: 'claude-desktop' },
    { state: 'remediated', due: 1, deadline: null, tool: 'codex-cli' },
  ],
  policies: [
    { id: 'other', version: 1, state: 'in-force' },
    { id: 'anthropic-ban', version: 3, state: 'in-force' },
    { id: null, version: null, state: 'rejected' },
  ],
};

describe('fleet facts', () => {
  it('a reporting agent in its grace period: warning, days rounded up to the next open deadline, policies by id@version', () => {
    expect(fleetFacts(read, now)).toMatchObject({
      compliance: 'warning',
      reporting: true,
      openFindings: 1,
      violations: 0,
      daysToDeadline: 5,
      nextDeadline: '2026-07-09T16:00:00.000Z',
      policies: 'anthropic-ban@3,other@1',
      rejectedPolicies: 1,
      tools: 'claude-code',
    });
  });

  it('an agent silent for more than its stale time is stale, keeping its last verdict apart', () => {
    const later = new Date(Date.parse(agent.heartbeat_at) + 301_000);
    expect(fleetFacts(read, later)).toMatchObject({ compliance: 'stale', lastKnownCompliance: 'warning', reporting: false });
    expect(fleetFacts(read, new Date(Date.parse(agent.heartbeat_at) + 299_000)).compliance).toBe('warning');
  });

  it('no state at all is unknown, with no deadline', () => {
    expect(fleetFacts(null, now)).toMatchObject({ compliance: 'unknown', reporting: false, daysToDeadline: null, policies: '' });
  });

  it('counts failed and due findings as violations; a passed deadline is not ahead', () => {
    const f = fleetFacts(
      {
        ...read,
        agent: { ...agent, compliance: 'violation' },
        findings: [
          { state: 'open', due: 1, deadline: '2026-07-01T00:00:00.000Z', tool: 'claude-code' },
          { state: 'failed', due: 1, deadline: null, tool: 'cursor' },
        ],
      },
      now,
    );
    expect(f).toMatchObject({ compliance: 'violation', violations: 2, daysToDeadline: null });
  });

  it('formats for Jamf (<result>, YYYY-MM-DD hh:mm:ss), Intune (one line of compressed JSON) and bare values', () => {
    expect(jamfDate('2026-07-04T23:58:30.123Z')).toBe('2026-07-04 23:58:30');
    expect(formatFacts(read, { format: 'jamf', field: 'last-check' }, now)).toBe('<result>2026-07-04 23:58:30</result>');
    expect(formatFacts(read, { format: 'jamf', field: 'days-to-deadline' }, now)).toBe('<result>5</result>');
    expect(formatFacts(null, { format: 'jamf', field: 'days-to-deadline' }, now)).toBe('<result></result>');
    expect(formatFacts(read, { format: 'value', field: 'last-check' }, now)).toBe('2026-07-04T23:58:30.000Z');
    const intune = formatFacts(read, { format: 'intune' }, now);
    expect(intune).not.toContain('\n');
    expect(JSON.parse(intune)).toEqual({
      CordonAgentReporting: true,
      CordonCompliance: 'warning',
      CordonViolations: 0,
      CordonOpenFindings: 1,
      CordonDaysToDeadline: 5,
      CordonLastCheck: '2026-07-04T23:58:30.000Z',
      CordonPolicies: 'anthropic-ban@3,other@1',
    });
  });

  it('parses its command line on the lean path and refuses what it does not know', () => {
    expect(fleetFactsArgv(['--config', '/etc/c.json', 'fleet-facts', '--format=jamf', '--field', 'compliance'])).toEqual({
      config: '/etc/c.json',
      format: 'jamf',
      field: 'compliance',
    });
    expect(fleetFactsArgv(['fleet-facts'])).toEqual({ format: 'json' });
    expect(fleetFactsArgv(['status', '--json'])).toBeNull();
    expect(fleetFactsArgv(['fleet-facts', '--help'])).toBeNull();
    expect(() => fleetFactsArgv(['fleet-facts', '--format', 'csv'])).toThrow(/unknown format "csv"/);
    expect(() => fleetFactsArgv(['fleet-facts', '--format', 'jamf'])).toThrow(/--field/);
    expect(() => fleetFactsArgv(['fleet-facts', '--field', 'secrets'])).toThrow(/unknown field/);
    expect(() => fleetFactsArgv(['fleet-facts', '--nope'])).toThrow(/unknown argument --nope/);
  });
});
