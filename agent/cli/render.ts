// Human output of a status: what was found, why it is banned, by when, what to do, in words an employee understands.
import type { Catalog } from '../core/catalog/types.js';
import { uniqueAlternatives } from '../common/alternatives.js';
import { localize } from '../common/localize.js';
import type { ExceptionRequest, Finding, Status } from '../common/model.js';

const HEADLINE: Record<Status['compliance'], string> = {
  compliant: 'COMPLIANT: nothing on this machine needs to change.',
  warning: 'WARNING: restricted AI tools were found; they must be removed before the deadline shown.',
  violation: 'VIOLATION: restricted AI tools were found past their deadline.',
};

const STATE_WORD: Record<Finding['state'], string> = {
  open: 'to fix',
  remediated: 'fixed',
  exempt: 'exempt',
  failed: 'could not be fixed',
};

function where(f: { kind: string; path?: string; pid?: number; user?: string }): string {
  const who = f.user ? ` (user ${f.user})` : '';
  if (f.kind === 'process') return `running as process ${f.pid ?? '?'}${f.path ? ` ${f.path}` : ''}${who}`;
  if (f.kind === 'config') return `configured in ${f.path ?? '?'}${who}`;
  return `installed at ${f.path ?? '?'}${who}`;
}

export function renderStatus(status: Status, catalog: Catalog, lang: string): string {
  const name = new Map(catalog.tools.map((t) => [t.id, `${t.name} (${t.vendor})`]));
  const lines: string[] = [];
  const policies = status.policies.map((p) => `${p.id} v${p.version}${p.signedBy ? `, signed by ${p.signedBy}` : p.unsigned ? ', UNSIGNED preview' : ''}`);
  lines.push(`Cordon on ${status.host}, ${status.evaluatedAt}`);
  lines.push(`Policies in force: ${policies.length ? policies.join('; ') : 'none'}`);
  lines.push('');
  lines.push(
    status.compliance === 'compliant' && status.errors?.length
      ? 'COMPLIANT WITH ERRORS: nothing found needs to change, but the check was not complete (see the errors below).'
      : HEADLINE[status.compliance],
  );
  const byTool = new Map<string, Finding[]>();
  for (const f of status.findings) byTool.set(f.tool, [...(byTool.get(f.tool) ?? []), f]);
  for (const [tool, findings] of byTool) {
    lines.push('');
    lines.push(`${name.get(tool) ?? tool}`);
    const why = localize(findings[0]?.message, lang);
    if (why) lines.push(`  Why: ${why}`);
    for (const f of findings) {
      // The detail names the place itself, so it is written once, after the state.
      lines.push(`  - [${STATE_WORD[f.state]}] ${f.detail}`);
      for (const p of f.parts ?? []) lines.push(`      ${p.path} (${p.what}${p.linkTarget !== undefined ? `, symlink to ${p.linkTarget}` : ''})`);
      if (f.form && f.state !== 'remediated' && f.state !== 'exempt') lines.push(`    To remove it yourself: ${localize(f.form.steps, lang)}`);
      if (f.state === 'exempt') lines.push(`    Exempt until ${f.exemptUntil ?? '?'}.`);
      if (f.outcome) lines.push(`    Result: ${f.outcome}`);
    }
  }
  const covered = new Set(status.findings.flatMap((f) => [f.path, ...(f.parts ?? []).map((p) => p.path)].map((p) => `${f.tool}|${p ?? ''}|${f.pid ?? ''}`)));
  const others = status.inventory.filter((i) => !covered.has(`${i.tool}|${i.path ?? ''}|${i.pid ?? ''}`));
  if (others.length) {
    lines.push('');
    lines.push('Also found (no policy requires anything for these):');
    for (const i of others) lines.push(`  - ${name.get(i.tool) ?? i.tool}: ${where(i)}${i.detail ? ` — ${i.detail}` : ''}`);
  }
  const alternatives = uniqueAlternatives(status.policies.flatMap((p) => p.alternatives ?? []));
  if (alternatives.length && status.findings.some((f) => f.state !== 'exempt')) {
    lines.push('');
    lines.push('Approved alternatives:');
    for (const a of alternatives) lines.push(`  - ${a.name}${a.url ? ` ${a.url}` : ''}`);
  }
  if (status.exceptions?.length) {
    lines.push('');
    lines.push('Exception requests (only a signed exemption policy grants one):');
    for (const r of status.exceptions) lines.push(`  - ${requestLine(r)}`);
  }
  const detection = (status.errors ?? []).filter((e) => e.source === 'detection');
  if (detection.length) {
    lines.push('');
    lines.push('Detection problems (what could not be looked at):');
    for (const e of detection) lines.push(`  - ${e.message} [${e.code}]`);
  }
  if (status.policyErrors.length) {
    lines.push('');
    lines.push('Policy problems (the last good version of each policy stays in force):');
    for (const e of status.policyErrors) lines.push(`  - ${e.file}: ${e.message} [${e.code}]`);
  }
  for (const w of status.agent?.warnings ?? []) lines.push(`Warning: ${w}`);
  lines.push('');
  lines.push('`cordon explain` lists everything Cordon reads, runs, writes and sends.');
  return lines.join('\n');
}

/** A request in one line: id, state, who, what, when, why. */
export function requestLine(r: ExceptionRequest): string {
  const state =
    r.state === 'granted' || r.state === 'expired'
      ? `${r.state} until ${r.grantedUntil ?? '?'}`
      : r.state === 'denied'
        ? `denied${r.denial ? ` (${r.denial})` : ''}`
        : `pending${r.until ? `, asked until ${r.until}` : ''}`;
  return `${r.id}  ${state}  ${r.user}  ${r.toolName ?? r.tool}  requested ${r.requestedAt}: ${JSON.stringify(r.reason)}`;
}
