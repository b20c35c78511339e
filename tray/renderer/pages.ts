// Renders each page of the window (findings, history, policy, transparency) from the tray view and daemon answers.
import type { HistoryEntry } from '../../agent/common/ipc.js';
import type { Action, Alternative, Finding, PolicyRef, Status } from '../../agent/common/model.js';
import { formatCountdown, formatDeadline } from '../model/countdown.js';
import { localize, type UiLocale } from '../model/locale.js';
import { t, type StringKey } from '../model/strings.js';
import { isDueOrFailed, type TrayView } from '../model/trayView.js';
import { element } from './dom.js';

const ACTION_WORD: Record<Action, StringKey> = {
  report: 'actionReport',
  notify: 'actionNotify',
  kill: 'actionKill',
  quarantine: 'actionQuarantine',
};

const STATE_WORD: Record<Finding['state'], StringKey> = {
  open: 'stateOpen',
  remediated: 'stateRemediated',
  exempt: 'stateExempt',
  failed: 'stateFailed',
};

export interface FindingHandlers {
  /** Ids of findings whose "Fix now" is in flight, and the last error per finding. */
  fixing: ReadonlySet<string>;
  errors: ReadonlyMap<string, string>;
}

/** A label followed by the colon of the language (full-width in Chinese). */
const labelled = (locale: UiLocale, text: string): string => (locale === 'zh-CN' ? `${text}：` : `${text}: `);

const isDue = (f: Finding): boolean => f.state === 'open' && isDueOrFailed(f);

function where(f: Finding, locale: UiLocale): { label: string; value: string } {
  if (f.kind === 'process') return { label: t(locale, 'process'), value: `${f.pid !== undefined ? `pid ${f.pid}` : ''}${f.path ? `  ${f.path}` : ''}`.trim() };
  return { label: t(locale, 'path'), value: f.path ?? f.detail };
}

function alternativesBlock(alternatives: Alternative[] | undefined, locale: UiLocale): HTMLElement | null {
  if (!alternatives?.length) return null;
  return element(
    'p',
    { class: 'alternatives' },
    element('span', {}, labelled(locale, t(locale, 'alternatives')).trim()),
    ...alternatives.map((a) =>
      a.url ? element('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer' }, a.name) : element('span', {}, a.name),
    ),
  );
}

function findingItem(f: Finding, view: TrayView, nowMs: number, handlers: FindingHandlers): HTMLElement {
  const locale = view.locale;
  const place = where(f, locale);
  const fixable = f.state === 'open' && f.user === view.user && view.connection === 'connected';
  const side = element('div', { class: 'finding-side' }, element('span', { class: `chip chip-${isDue(f) ? 'due' : f.state}` }, t(locale, isDue(f) ? 'violation' : STATE_WORD[f.state])));
  if (fixable) {
    const busy = handlers.fixing.has(f.id);
    const button = element(
      'button',
      { type: 'button', class: 'button button-primary', 'data-fix': f.id, 'aria-label': t(locale, 'fixNowFor', { tool: f.tool, where: place.value }) },
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
    fact(t(locale, 'deadline'), element('time', { datetime: f.deadline }, formatDeadline(f.deadline, locale)));
    fact(t(locale, 'timeLeft'), element('span', { class: 'countdown', 'data-deadline': f.deadline }, formatCountdown(f.deadline, nowMs, locale)));
  } else if (f.state === 'open') {
    fact(t(locale, 'deadline'), t(locale, isDue(f) ? 'deadlinePassed' : 'noDeadline'));
  }
  fact(t(locale, 'actions'), f.actions.map((a) => t(locale, ACTION_WORD[a])).join(', '));
  if (f.user) fact(t(locale, 'user'), f.user);
  const error = handlers.errors.get(f.id);
  return element(
    'li',
    { class: 'finding', 'data-finding': f.id },
    element('div', { class: 'finding-where' }, element('span', { class: 'visually-label' }, labelled(locale, place.label)), place.value),
    side,
    meta,
    f.outcome ? element('p', { class: 'note' }, f.outcome) : null,
    f.state === 'open' && f.user !== view.user ? element('p', { class: 'note' }, t(locale, 'notYours')) : null,
    error ? element('p', { class: 'error', role: 'alert' }, t(locale, 'fixFailed', { reason: error })) : null,
  );
}

/** Findings grouped by tool, each group with the policy's reason and the approved alternatives. */
export function renderFindings(view: TrayView, nowMs: number, handlers: FindingHandlers): HTMLElement[] {
  const status = view.status;
  const findings = (status?.findings ?? []).filter((f) => f.state !== 'exempt' || f.user === view.user);
  if (!status || findings.length === 0) {
    return status ? [element('div', { class: 'card empty' }, element('strong', {}, t(view.locale, 'compliant')), t(view.locale, 'noFindings'))] : [];
  }
  const byTool = new Map<string, Finding[]>();
  for (const f of findings) byTool.set(f.tool, [...(byTool.get(f.tool) ?? []), f]);
  return [...byTool].map(([tool, group]) => {
    const first = group[0] as Finding;
    const policy = status.policies.find((p) => p.id === first.policy);
    const message = localize(first.message ?? policy?.message, view.locale);
    return element(
      'section',
      { class: 'card', 'aria-labelledby': `tool-${tool}` },
      element('div', { class: 'tool-head' }, element('h2', { id: `tool-${tool}` }, tool), element('span', { class: 'tool-count' }, `(${group.length})`)),
      message ? element('p', { class: 'why' }, element('strong', {}, labelled(view.locale, t(view.locale, 'why'))), message) : null,
      alternativesBlock(policy?.alternatives, view.locale),
      element('ul', { class: 'findings' }, ...group.map((f) => findingItem(f, view, nowMs, handlers))),
    );
  });
}

function policyCard(p: PolicyRef, locale: UiLocale): HTMLElement {
  const facts = element('dl', { class: 'facts' });
  const fact = (label: string, value: string): void => {
    facts.append(element('dt', {}, label), element('dd', {}, value));
  };
  fact(t(locale, 'policyId'), p.id);
  fact(t(locale, 'policyVersion'), String(p.version));
  fact(t(locale, 'policySigner'), p.signedBy ?? t(locale, 'unsigned'));
  if (p.issuer) fact(t(locale, 'policyIssuer'), p.issuer);
  fact(t(locale, 'path'), p.file);
  const message = localize(p.message, locale);
  return element(
    'section',
    { class: 'card', 'aria-labelledby': `policy-${p.id}` },
    element('h2', { id: `policy-${p.id}` }, p.id),
    facts,
    message ? element('p', { class: 'why' }, message) : null,
    alternativesBlock(p.alternatives, locale),
  );
}

export function renderPolicies(status: Status | null, locale: UiLocale): HTMLElement[] {
  if (!status) return [];
  const cards = status.policies.map((p) => policyCard(p, locale));
  if (cards.length === 0) cards.push(element('p', { class: 'card empty' }, t(locale, 'noPolicies')));
  if (status.policyErrors.length) {
    cards.push(
      element(
        'section',
        { class: 'card', 'aria-labelledby': 'policy-errors' },
        element('h2', { id: 'policy-errors' }, t(locale, 'policyErrors')),
        element('ul', {}, ...status.policyErrors.map((e) => element('li', {}, element('code', {}, e.file), ` — ${e.code}: ${e.message}`))),
      ),
    );
  }
  return cards;
}

export function renderHistory(entries: HistoryEntry[], locale: UiLocale): HTMLElement {
  if (entries.length === 0) return element('p', { class: 'card empty' }, t(locale, 'noHistory'));
  const head = element('tr', {}, ...(['historyTime', 'historyEvent', 'historyTool', 'historyWhere', 'historyOutcome'] as const).map((k) => element('th', { scope: 'col' }, t(locale, k))));
  const rows = [...entries].reverse().map((e) =>
    element(
      'tr',
      {},
      element('td', {}, element('time', { datetime: e.time }, formatDeadline(e.time, locale))),
      element('td', {}, e.event),
      element('td', {}, e.tool ?? ''),
      element('td', { class: 'mono' }, e.path ?? (e.pid !== undefined ? `pid ${e.pid}` : '')),
      element('td', {}, [e.outcome, e.detail].filter(Boolean).join(': ')),
    ),
  );
  return element('table', {}, element('caption', {}, t(locale, 'headingHistory')), element('thead', {}, head), element('tbody', {}, ...rows));
}

const humanKey = (key: string): string => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** The agent's `explain` answer, whatever its shape: text stays text, lists become lists, objects become headed sections. */
export function renderExplain(value: unknown, depth = 2): Node {
  if (value === null || value === undefined) return document.createTextNode('');
  if (typeof value === 'string') return element('pre', {}, value);
  if (typeof value !== 'object') return document.createTextNode(String(value));
  if (Array.isArray(value)) {
    return element('ul', {}, ...value.map((v) => element('li', {}, typeof v === 'object' && v !== null ? renderExplain(v, depth + 1) : String(v))));
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (depth >= 4 || entries.every(([, v]) => typeof v !== 'object' || v === null)) {
    const facts = element('dl', { class: 'facts' });
    for (const [k, v] of entries) facts.append(element('dt', {}, humanKey(k)), element('dd', {}, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)));
    return facts;
  }
  const heading = (`h${Math.min(depth, 6)}`) as 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
  const container = element('div', { class: depth === 2 ? 'explain' : '' });
  for (const [k, v] of entries) {
    const body = renderExplain(v, depth + 1);
    container.append(depth === 2 ? element('section', { class: 'card' }, element(heading, {}, humanKey(k)), body) : element('div', {}, element(heading, {}, humanKey(k)), body));
  }
  return container;
}
