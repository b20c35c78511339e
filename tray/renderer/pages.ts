// Renders each page of the window (findings, history, policy, transparency) from the tray view and daemon answers.
import { uniqueAlternatives } from '../../agent/common/alternatives.js';
import type { HistoryEntry } from '../../agent/common/ipc.js';
import type { Alternative, ExceptionRequest, Finding, PolicyRef, Status } from '../../agent/common/model.js';
import { formatCountdown, formatDeadline } from '../model/countdown.js';
import { actionWords, formatPolicyTime, formatWhen, headlines, upcomingLine, type Headline } from '../model/headline.js';
import { localize } from '../../agent/common/localize.js';
import type { UiLocale } from '../model/locale.js';
import { explainKey, t, type StringKey } from '../model/strings.js';
import { toolLabel, type TrayView } from '../model/trayView.js';
import { element } from './dom.js';

const STATE_WORD: Record<Finding['state'], StringKey> = {
  open: 'stateOpen',
  remediated: 'stateRemediated',
  exempt: 'stateExempt',
  failed: 'stateFailed',
};

/** What the employee has typed into a tool's exception form, kept across re-renders. */
export interface ExceptionDraft {
  open: boolean;
  reason: string;
  /** The date input's value (YYYY-MM-DD), empty when none. */
  until: string;
}

export interface FindingHandlers {
  /** Ids of findings whose "Fix now" is in flight, and the last error per finding. */
  fixing: ReadonlySet<string>;
  errors: ReadonlyMap<string, string>;
  /** Exception forms by tool: what is typed, which are being sent, the last error. */
  drafts?: ReadonlyMap<string, ExceptionDraft>;
  asking?: ReadonlySet<string>;
  askErrors?: ReadonlyMap<string, string>;
  /** The employee's time zone (the OS's when absent). */
  timeZone?: string;
}

/** A label followed by the colon of the language (full-width in Chinese). */
const labelled = (locale: UiLocale, text: string): string => (locale === 'zh-CN' ? `${text}：` : `${text}: `);

/** Still open past its deadline, as the agent decided (a failed removal shows its own state). */
const isDue = (f: Finding): boolean => f.state === 'open' && f.due === true;

function alternativesBlock(alternatives: Alternative[] | undefined, locale: UiLocale): HTMLElement | null {
  if (!alternatives?.length) return null;
  return element(
    'p',
    { class: 'alternatives' },
    element('span', {}, labelled(locale, t(locale, 'alternatives')).trim()),
    ...alternatives.map((a) => (a.url ? element('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, a.name) : element('span', {}, a.name))),
  );
}

/** Every path of the finding: the install's parts when it has several, else its own path. */
function pathsOf(f: Finding): string[] {
  if (f.parts?.length) return f.parts.map((p) => p.path);
  return f.path ? [f.path] : [];
}

function kindLine(f: Finding, locale: UiLocale): string {
  if (f.kind === 'process') return t(locale, 'kindProcess', { pid: f.pid ?? '?' });
  if (f.kind === 'config') return t(locale, 'kindConfig');
  return f.form ? localize(f.form.name, locale) : t(locale, 'kindInstall');
}

function manualSteps(f: Finding, locale: UiLocale): string | null {
  if (f.kind === 'process') return t(locale, 'stepsProcess', { tool: toolLabel(f) });
  if (f.kind === 'config') return t(locale, 'stepsConfig');
  return f.form ? localize(f.form.steps, locale) : null;
}

/** Text with `quoted` commands and paths shown as code. */
function withCode(text: string): Node[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? element('code', {}, part) : document.createTextNode(part)));
}

function findingItem(f: Finding, view: TrayView, nowMs: number, handlers: FindingHandlers): HTMLElement {
  const locale = view.locale;
  const paths = pathsOf(f);
  const fixable = f.actionable === true && f.user === view.user && view.connection === 'connected';
  const side = element(
    'div',
    { class: 'finding-side' },
    element('span', { class: `chip chip-${isDue(f) ? 'due' : f.state}` }, t(locale, isDue(f) ? 'violation' : STATE_WORD[f.state])),
  );
  if (fixable) {
    const busy = handlers.fixing.has(f.id);
    const button = element(
      'button',
      {
        type: 'button',
        class: 'button button-primary',
        'data-fix': f.id,
        'aria-label': t(locale, 'fixNowFor', { tool: toolLabel(f), where: paths[0] ?? kindLine(f, locale) }),
      },
      busy ? t(locale, 'fixing') : t(locale, 'fixNow'),
    );
    button.disabled = busy;
    side.append(button);
  }
  const meta = element('dl', { class: 'finding-meta' });
  const fact = (label: string, value: Node | string): void => {
    meta.append(element('div', {}, element('dt', {}, labelled(locale, label).trim()), element('dd', {}, value)));
  };
  if (f.deadline && f.state === 'open') {
    fact(t(locale, 'timeLeft'), element('span', { class: 'countdown', 'data-deadline': f.deadline }, formatCountdown(f.deadline, nowMs, locale)));
  }
  if (f.user) fact(t(locale, 'user'), f.user);
  const steps = f.state === 'open' || f.state === 'failed' ? manualSteps(f, locale) : null;
  const error = handlers.errors.get(f.id);
  return element(
    'li',
    { class: 'finding', 'data-finding': f.id },
    element('div', { class: 'finding-kind' }, kindLine(f, locale)),
    element('ul', { class: 'finding-paths', 'aria-label': t(locale, 'path') }, ...paths.map((p) => element('li', { class: 'finding-where' }, p))),
    side,
    meta,
    f.state === 'failed' && f.outcome ? element('p', { class: 'note' }, f.outcome) : null,
    f.state === 'open' && f.user !== view.user ? element('p', { class: 'note' }, t(locale, 'notYours')) : null,
    steps ? element('details', { class: 'steps' }, element('summary', {}, t(locale, 'howToRemove')), element('p', {}, ...withCode(steps))) : null,
    error ? element('p', { class: 'error', role: 'alert' }, t(locale, 'fixFailed', { reason: error })) : null,
  );
}

function headlineCard(h: Headline, status: Status, view: TrayView, nowMs: number, handlers: FindingHandlers): HTMLElement {
  const locale = view.locale;
  const first = h.findings[0] as Finding;
  const policy = status.policies.find((p) => p.id === first.policy);
  const message = localize(first.message ?? policy?.message, locale);
  const facts = element('dl', { class: 'headline-facts' });
  const fact = (label: string, value: string): void => {
    facts.append(element('dt', {}, labelled(locale, label).trim()), element('dd', {}, value));
  };
  if (h.policyTime) fact(t(locale, 'policyTime'), h.policyTime);
  if (h.consequence) fact(t(locale, h.kind === 'due' ? 'nowDue' : 'atDeadline'), h.consequence);
  return element(
    'section',
    { class: `card headline headline-${h.kind}`, 'aria-labelledby': `tool-${h.tool}`, 'data-tool': h.tool },
    element('h2', { id: `tool-${h.tool}`, class: 'headline-text' }, h.text),
    facts.childElementCount ? facts : null,
    message ? element('p', { class: 'why' }, element('strong', {}, labelled(locale, t(locale, 'why'))), message) : null,
    alternativesBlock(policy?.alternatives, locale),
    element('ul', { class: 'findings' }, ...h.findings.map((f) => findingItem(f, view, nowMs, handlers))),
    exceptionBlock(h, view, nowMs, handlers),
  );
}

/** The user's newest exception request for a tool. */
function ownRequest(view: TrayView, tool: string): ExceptionRequest | undefined {
  return (view.status?.exceptions ?? [])
    .filter((r) => r.user === view.user && r.tool === tool)
    .sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt))[0];
}

/** The day after `nowMs` in the employee's zone, as a date input wants it: an exception ends in the future. */
function tomorrow(nowMs: number): string {
  const d = new Date(nowMs + 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "Ask for an exception" on a tool the user has findings of: a short form, or where the request stands. */
function exceptionBlock(h: Headline, view: TrayView, nowMs: number, handlers: FindingHandlers): HTMLElement | null {
  const locale = view.locale;
  const own = h.findings.find((f) => f.user === view.user);
  if (!own || view.connection !== 'connected') return null;
  const request = ownRequest(view, h.tool);
  if (request?.state === 'pending') {
    return element(
      'p',
      { class: 'exception-note', 'data-exception': request.id, 'data-exception-state': 'pending' },
      t(locale, 'exceptionPendingNote', { when: formatWhen(request.requestedAt, locale) }),
    );
  }
  const draft = handlers.drafts?.get(h.tool) ?? { open: false, reason: '', until: '' };
  const busy = handlers.asking?.has(h.tool) ?? false;
  const error = handlers.askErrors?.get(h.tool);
  const reasonId = `exception-reason-${h.tool}`;
  const untilId = `exception-until-${h.tool}`;
  const reason = element('textarea', { id: reasonId, name: 'reason', rows: '3', maxlength: '500', required: '', 'data-draft': 'reason' });
  reason.value = draft.reason;
  const until = element('input', { id: untilId, name: 'until', type: 'date', min: tomorrow(nowMs), 'data-draft': 'until' });
  until.value = draft.until;
  const send = element('button', { type: 'submit', class: 'button button-primary' }, busy ? t(locale, 'exceptionSending') : t(locale, 'exceptionSend'));
  send.disabled = busy;
  const form = element(
    'form',
    { class: 'exception-form', 'data-exception-tool': h.tool, 'data-finding': own.id },
    element('label', { for: reasonId }, t(locale, 'exceptionReason')),
    reason,
    element('label', { for: untilId }, t(locale, 'exceptionUntil')),
    until,
    element('p', { class: 'note' }, t(locale, 'exceptionHint')),
    send,
    error ? element('p', { class: 'error', role: 'alert' }, t(locale, 'exceptionFailed', { reason: error })) : null,
  );
  const details = element('details', { class: 'ask-exception', 'data-exception-tool': h.tool }, element('summary', {}, t(locale, 'askException')), form);
  details.open = draft.open;
  return details;
}

const REQUEST_CHIP: Record<ExceptionRequest['state'], string> = { pending: 'open', granted: 'exempt', denied: 'failed', expired: 'remediated' };

function requestState(r: ExceptionRequest, locale: UiLocale): string {
  switch (r.state) {
    case 'pending':
      return t(locale, 'exceptionPending');
    case 'granted':
      return t(locale, 'exceptionGranted', { when: formatWhen(r.grantedUntil ?? '', locale) });
    case 'denied':
      return t(locale, 'exceptionDenied');
    case 'expired':
      return t(locale, 'exceptionExpired');
  }
}

/** The user's own exception requests and where each stands (granted ones are how an exempt tool is explained). */
function exceptionsCard(view: TrayView): HTMLElement | null {
  const locale = view.locale;
  const mine = (view.status?.exceptions ?? []).filter((r) => r.user === view.user).sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt));
  if (mine.length === 0) return null;
  return element(
    'section',
    { class: 'card exceptions', 'aria-labelledby': 'exceptions-heading' },
    element('h2', { id: 'exceptions-heading' }, t(locale, 'exceptionsHeading')),
    element(
      'ul',
      { class: 'findings' },
      ...mine.map((r) =>
        element(
          'li',
          { class: 'finding exception', 'data-exception': r.id, 'data-exception-state': r.state },
          element('div', { class: 'finding-kind' }, r.toolName ?? r.tool, ' ', element('code', {}, r.id)),
          element('div', { class: 'finding-side' }, element('span', { class: `chip chip-${REQUEST_CHIP[r.state]}` }, requestState(r, locale))),
          element('p', { class: 'note' }, t(locale, 'exceptionRequestedOn', { when: formatWhen(r.requestedAt, locale) })),
          element('p', {}, element('strong', {}, labelled(locale, t(locale, 'exceptionYourReason'))), r.reason),
          r.denial ? element('p', {}, element('strong', {}, labelled(locale, t(locale, 'exceptionDenial'))), r.denial) : null,
        ),
      ),
    ),
  );
}

function upcomingCard(status: Status, locale: UiLocale, nowMs: number, timeZone?: string): HTMLElement | null {
  const upcoming = status.upcoming ?? [];
  if (upcoming.length === 0) return null;
  return element(
    'section',
    { class: 'card upcoming', 'aria-labelledby': 'upcoming-heading' },
    element('h2', { id: 'upcoming-heading' }, t(locale, 'upcomingHeading')),
    element(
      'ul',
      { class: 'upcoming-list' },
      ...upcoming.map((u) =>
        element(
          'li',
          { 'data-upcoming': `${u.policy}/${u.rule}` },
          upcomingLine(u, locale, nowMs, timeZone),
          u.found ? element('span', { class: 'note' }, ` ${t(locale, 'upcomingFound')}`) : null,
        ),
      ),
    ),
  );
}

function resolvedItem(f: Finding, locale: UiLocale): HTMLElement {
  const ids = [...(f.outcome ?? '').matchAll(/quarantine as (\S+?)(?=;|$|\s)/g)].map((m) => m[1] as string);
  const word = f.state === 'exempt' && f.exemptUntil ? `${t(locale, 'stateExempt')} · ${formatWhen(f.exemptUntil, locale)}` : t(locale, STATE_WORD[f.state]);
  return element(
    'li',
    { class: 'finding resolved-item', 'data-finding': f.id },
    element('div', { class: 'finding-kind' }, `${toolLabel(f)} · ${kindLine(f, locale)}`),
    element('ul', { class: 'finding-paths' }, ...pathsOf(f).map((p) => element('li', { class: 'finding-where' }, p))),
    element('div', { class: 'finding-side' }, element('span', { class: `chip chip-${f.state}` }, word)),
    ids.length ? element('p', { class: 'note getback' }, t(locale, 'getBack', { id: ids.join(locale === 'zh-CN' ? '、' : ', ') })) : null,
  );
}

/** The one thing to do per tool first, then what is coming, then what is already resolved (folded). */
export function renderFindings(view: TrayView, nowMs: number, handlers: FindingHandlers): HTMLElement[] {
  const status = view.status;
  if (!status) return [];
  const locale = view.locale;
  const cards: HTMLElement[] = [];
  const own = (status.findings ?? []).filter((f) => f.actionable === true && f.user === view.user);
  if (own.length > 1 && view.connection === 'connected') {
    cards.push(
      element(
        'div',
        { class: 'fix-all' },
        element(
          'button',
          { type: 'button', class: 'button button-primary', 'data-fix-all': own.map((f) => f.id).join(' ') },
          t(locale, 'fixAll', { n: own.length }),
        ),
      ),
    );
  }
  cards.push(...headlines(status, locale, nowMs, handlers.timeZone).map((h) => headlineCard(h, status, view, nowMs, handlers)));
  if (cards.length === 0) cards.push(element('div', { class: 'card empty' }, element('strong', {}, t(locale, 'compliant')), t(locale, 'noFindings')));
  const exceptions = exceptionsCard(view);
  if (exceptions) cards.push(exceptions);
  const upcoming = upcomingCard(status, locale, nowMs, handlers.timeZone);
  if (upcoming) cards.push(upcoming);
  const resolved = status.findings.filter((f) => f.state === 'remediated' || (f.state === 'exempt' && f.user === view.user));
  if (resolved.length) {
    cards.push(
      element(
        'details',
        { class: 'card resolved' },
        element('summary', {}, t(locale, 'resolved', { n: resolved.length })),
        element('ul', { class: 'findings' }, ...resolved.map((f) => resolvedItem(f, locale))),
      ),
    );
  }
  return cards;
}

function policyCard(p: PolicyRef, view: TrayView, nowMs: number, host: string): HTMLElement {
  const locale = view.locale;
  const facts = element('dl', { class: 'facts' });
  const fact = (label: string, value: Node | string): void => {
    facts.append(element('dt', {}, label), element('dd', {}, value));
  };
  fact(t(locale, 'policyId'), p.id);
  fact(t(locale, 'policyVersion'), String(p.version));
  fact(t(locale, 'policySigner'), p.signedBy ?? t(locale, 'unsigned'));
  if (p.issuer) fact(t(locale, 'policyIssuer'), p.issuer);
  if (p.issuedAt) fact(t(locale, 'policyIssued'), formatWhen(p.issuedAt, locale));
  if (p.expiresAt) fact(t(locale, 'policyExpires'), formatWhen(p.expiresAt, locale));
  fact(t(locale, 'path'), element('code', {}, p.file));
  const message = localize(p.message, locale);
  const rules = (p.rules ?? []).map((r) => {
    const current = r.phases.reduce((idx, ph, i) => (Date.parse(ph.from) <= nowMs ? i : idx), -1);
    return element(
      'section',
      { class: 'rule', 'data-rule': r.id },
      element(
        'h3',
        {},
        `${labelled(locale, t(locale, 'ruleTools'))}${r.tools.map((id) => toolNameIn(view.status, id)).join(locale === 'zh-CN' ? '、' : ', ')}`,
      ),
      element(
        'ol',
        { class: 'phases', 'aria-label': t(locale, 'phases') },
        ...r.phases.map((ph, i) =>
          element(
            'li',
            { class: i === current ? 'phase phase-current' : 'phase' },
            t(locale, 'phaseLine', { when: `${formatWhen(ph.from, locale)} (${formatPolicyTime(ph.from, locale)})`, actions: actionWords(ph.actions, locale) }),
            i === current
              ? element('span', { class: 'chip chip-open' }, t(locale, 'phaseNow'))
              : i === current + 1
                ? element('span', { class: 'chip chip-remediated' }, t(locale, 'phaseNext'))
                : null,
          ),
        ),
      ),
    );
  });
  // This policy's own exemptions, and those an exemption policy grants from it (`cordon policy exempt`).
  const lifting = (view.status?.policies ?? []).flatMap((q) => (q.exemptions ?? []).filter((e) => (e.policy ?? q.id) === p.id));
  const mine = lifting.filter(
    (e) => Date.parse(e.until) > nowMs && (e.users?.includes(view.user) || e.hosts?.some((h) => h.toLowerCase() === host.toLowerCase())),
  );
  return element(
    'section',
    { class: 'card', 'aria-labelledby': `policy-${p.id}` },
    element('h2', { id: `policy-${p.id}` }, p.id),
    message ? element('p', { class: 'why' }, message) : null,
    facts,
    rules.length ? element('h3', {}, t(locale, 'phases')) : null,
    ...rules,
    element('h3', {}, t(locale, 'yourExemptions')),
    mine.length
      ? element(
          'ul',
          { class: 'exemptions' },
          ...mine.map((e) => element('li', {}, t(locale, 'exemptionLine', { when: formatWhen(e.until, locale), reason: e.reason }))),
        )
      : element('p', { class: 'note' }, t(locale, 'noExemptions')),
    alternativesBlock(uniqueAlternatives(p.alternatives ?? []), locale),
  );
}

/** The display name of a tool the status mentions, else its catalog id. */
function toolNameIn(status: Status | null, id: string): string {
  const named = [...(status?.findings ?? []), ...(status?.inventory ?? [])].find((x) => x.tool === id && x.toolName);
  const upcoming = status?.upcoming?.find((u) => u.tools.includes(id));
  return named?.toolName ?? upcoming?.toolNames?.[upcoming.tools.indexOf(id)] ?? id;
}

export function renderPolicies(view: TrayView, nowMs: number): HTMLElement[] {
  const status = view.status;
  if (!status) return [];
  const cards = status.policies.map((p) => policyCard(p, view, nowMs, status.host));
  if (cards.length === 0) cards.push(element('p', { class: 'card empty' }, t(view.locale, 'noPolicies')));
  if (status.policyErrors.length) {
    cards.push(
      element(
        'section',
        { class: 'card', 'aria-labelledby': 'policy-errors' },
        element('h2', { id: 'policy-errors' }, t(view.locale, 'policyErrors')),
        element(
          'ul',
          {},
          ...status.policyErrors.map((e) => element('li', {}, element('code', {}, e.file), ` — ${t(view.locale, 'resPolicyRejected', { code: e.code })}`)),
        ),
      ),
    );
  }
  return cards;
}

const EVENT_WORD: Record<string, StringKey> = {
  detected: 'evDetected',
  notify: 'evNotify',
  kill: 'evKill',
  quarantine: 'evQuarantine',
  restore: 'evRestore',
  'remediation-requested': 'evRemediationRequested',
  'policy-loaded': 'evPolicyLoaded',
  'policy-rejected': 'evPolicyRejected',
  'policy-retired': 'evPolicyRetired',
};

/** Raw agent text made readable: no code quoting. */
const plain = (text: string): string => text.replace(/`/g, '');

/** The result of one history entry as a sentence in the user's language. */
export function historyResult(e: HistoryEntry, locale: UiLocale): string {
  const failed = e.outcome === 'failed';
  if (failed) return t(locale, 'resFailed', { reason: plain((e.detail ?? '').replace(/^not quarantined: /, '')) });
  switch (e.event) {
    case 'detected':
      return t(locale, e.outcome === 'open' ? 'resDetectedOpen' : e.outcome === 'exempt' ? 'resDetectedExempt' : 'resDetectedOther');
    case 'quarantine': {
      const id = /as (\S+)$/.exec(e.detail ?? '')?.[1];
      return id ? t(locale, 'resQuarantined', { id }) : t(locale, 'resOk');
    }
    case 'kill':
      return t(locale, 'resKilled');
    case 'notify':
      return t(locale, e.outcome === 'ok' ? 'resNotified' : 'resNotifyLogged');
    case 'remediation-requested':
      return t(locale, 'resRequested', { user: /^by (.+)$/.exec(e.detail ?? '')?.[1] ?? e.user ?? '?' });
    case 'policy-loaded': {
      const version = /version (\d+)/.exec(e.detail ?? '')?.[1] ?? '?';
      return e.outcome === 'last-known-good' ? t(locale, 'resPolicyKept') : t(locale, 'resPolicyLoaded', { version });
    }
    case 'policy-rejected':
      return t(locale, 'resPolicyRejected', { code: e.outcome });
    case 'policy-retired':
      return t(locale, 'resPolicyRetired');
    case 'restore':
      return t(locale, 'resRestored');
    default:
      return t(locale, 'resOk');
  }
}

export function renderHistory(entries: HistoryEntry[], locale: UiLocale, status: Status | null): HTMLElement {
  if (entries.length === 0) return element('p', { class: 'card empty' }, t(locale, 'noHistory'));
  const head = element(
    'tr',
    {},
    ...(['historyTime', 'historyEvent', 'historyTool', 'historyWhere', 'historyOutcome'] as const).map((k) =>
      element('th', { scope: 'col', class: `col-${k}` }, t(locale, k)),
    ),
  );
  const rows = [...entries]
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))
    .map((e) =>
      element(
        'tr',
        { 'data-event': e.event },
        element('td', { class: 'col-time' }, element('time', { datetime: e.time }, formatDeadline(e.time, locale))),
        element('td', {}, t(locale, EVENT_WORD[e.event] ?? 'evOther'), e.policy && e.event.startsWith('policy') ? element('code', {}, ` ${e.policy}`) : null),
        element('td', {}, e.tool ? toolNameIn(status, e.tool) : ''),
        element('td', { class: 'mono' }, e.path ?? (e.pid !== undefined ? t(locale, 'kindProcess', { pid: e.pid }) : '')),
        element('td', {}, historyResult(e, locale)),
      ),
    );
  return element('table', { 'aria-labelledby': 'heading-history', class: 'history' }, element('thead', {}, head), element('tbody', {}, ...rows));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): boolean => v === null || typeof v !== 'object';
/** Lists longer than this are folded into a disclosure so the page stays readable. */
const FOLD_AFTER = 8;
/** Fields whose values are paths, addresses or identifiers: shown as code, never translated. */
const CODE_FIELDS = new Set(['where', 'to']);
const CATEGORY_WORD: Record<string, StringKey> = {
  cli: 'categoryCli',
  'ide-extension': 'categoryIde',
  desktop: 'categoryDesktop',
  'model-config': 'categoryModelConfig',
  'local-llm': 'categoryLocalLlm',
  sdk: 'categorySdk',
  mcp: 'categoryMcp',
  'agent-config': 'categoryAgentConfig',
};

function cell(key: string, value: unknown, locale: UiLocale): Node {
  const text = value === null || value === undefined ? '' : String(value);
  if (key === 'category' && CATEGORY_WORD[text]) return document.createTextNode(t(locale, CATEGORY_WORD[text] as StringKey));
  return CODE_FIELDS.has(key) ? element('code', {}, text) : document.createTextNode(text);
}

function renderList(items: unknown[], locale: UiLocale, key: string): Node {
  if (items.length === 0) return document.createTextNode(t(locale, 'nothing'));
  const first = items[0];
  if (isPlainObject(first) && items.every((i) => isPlainObject(i) && Object.values(i).every(isPrimitive))) {
    const keys = Object.keys(first).filter((k) => k !== 'id');
    return element(
      'table',
      {},
      element('thead', {}, element('tr', {}, ...keys.map((k) => element('th', { scope: 'col' }, explainKey(locale, k))))),
      element('tbody', {}, ...items.map((i) => element('tr', {}, ...keys.map((k) => element('td', {}, cell(k, (i as Record<string, unknown>)[k], locale)))))),
    );
  }
  const list = element('ul', {}, ...items.map((i) => element('li', {}, renderValue(i, locale, key))));
  if (items.length <= FOLD_AFTER || !items.every(isPrimitive)) return list;
  return element('details', {}, element('summary', {}, t(locale, 'showAll', { n: items.length })), list);
}

function renderValue(value: unknown, locale: UiLocale, key = ''): Node {
  if (isPrimitive(value)) return cell(key, value, locale);
  if (Array.isArray(value)) return renderList(value, locale, key);
  const facts = element('dl', { class: 'facts' });
  for (const [k, v] of Object.entries(value as Record<string, unknown>))
    facts.append(element('dt', {}, explainKey(locale, k)), element('dd', {}, renderValue(v, locale, k)));
  return facts;
}

/** The agent's `explain` answer, whatever its shape: one card per top-level part, lists as lists or tables, long lists folded. */
export function renderExplain(value: unknown, locale: UiLocale): Node {
  if (!isPlainObject(value))
    return element('div', { class: 'card explain' }, typeof value === 'string' ? element('pre', {}, value) : renderValue(value, locale));
  const container = element('div', { class: 'explain' });
  for (const [k, v] of Object.entries(value)) {
    container.append(
      element(
        'section',
        { class: 'card', 'aria-label': explainKey(locale, k) },
        element('h2', {}, explainKey(locale, k)),
        typeof v === 'string' ? element('p', {}, v) : renderValue(v, locale, k),
      ),
    );
  }
  return container;
}
