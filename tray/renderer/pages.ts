// Renders each page of the window (findings, history, policy, transparency) from the tray view and daemon answers.
import type { HistoryEntry } from '../../agent/common/ipc.js';
import { localize } from '../../agent/common/localize.js';
import type { Action, Alternative, Finding, PolicyRef, Status } from '../../agent/common/model.js';
import { formatCountdown, formatDeadline } from '../model/countdown.js';
import type { UiLocale } from '../model/locale.js';
import { t, type StringKey } from '../model/strings.js';
import { toolLabel, type TrayView } from '../model/trayView.js';
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

/** Still open past its deadline, as the agent decided (a failed removal shows its own state). */
const isDue = (f: Finding): boolean => f.state === 'open' && f.due === true;

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
  const fixable = f.actionable === true && f.user === view.user && view.connection === 'connected';
  const side = element('div', { class: 'finding-side' }, element('span', { class: `chip chip-${isDue(f) ? 'due' : f.state}` }, t(locale, isDue(f) ? 'violation' : STATE_WORD[f.state])));
  if (fixable) {
    const busy = handlers.fixing.has(f.id);
    const button = element(
      'button',
      { type: 'button', class: 'button button-primary', 'data-fix': f.id, 'aria-label': t(locale, 'fixNowFor', { tool: toolLabel(f), where: place.value }) },
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
  fact(t(locale, 'actions'), f.actions.map((a) => t(locale, ACTION_WORD[a])).join(locale === 'zh-CN' ? '、' : ', '));
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
      element('div', { class: 'tool-head' }, element('h2', { id: `tool-${tool}` }, toolLabel(first)), element('span', { class: 'tool-count' }, `(${group.length})`)),
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
  const rows = [...entries].sort((a, b) => Date.parse(b.time) - Date.parse(a.time)).map((e) =>
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
  return element('table', { 'aria-labelledby': 'heading-history' }, element('thead', {}, head), element('tbody', {}, ...rows));
}

const humanKey = (key: string): string => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').replace(/^./, (c) => c.toUpperCase());
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): boolean => v === null || typeof v !== 'object';
/** Lists longer than this are folded into a disclosure so the page stays readable. */
const FOLD_AFTER = 8;

function renderList(items: unknown[], locale: UiLocale): Node {
  if (items.length === 0) return document.createTextNode(t(locale, 'nothing'));
  const first = items[0];
  if (isPlainObject(first) && items.every((i) => isPlainObject(i) && Object.values(i).every(isPrimitive))) {
    const keys = Object.keys(first);
    return element(
      'table',
      {},
      element('thead', {}, element('tr', {}, ...keys.map((k) => element('th', { scope: 'col' }, humanKey(k))))),
      element('tbody', {}, ...items.map((i) => element('tr', {}, ...keys.map((k) => element('td', {}, String((i as Record<string, unknown>)[k] ?? '')))))),
    );
  }
  const list = element('ul', {}, ...items.map((i) => element('li', {}, renderValue(i, locale))));
  if (items.length <= FOLD_AFTER || !items.every(isPrimitive)) return list;
  return element('details', {}, element('summary', {}, t(locale, 'showAll', { n: items.length })), list);
}

function renderValue(value: unknown, locale: UiLocale): Node {
  if (isPrimitive(value)) return document.createTextNode(value === null || value === undefined ? '' : String(value));
  if (Array.isArray(value)) return renderList(value, locale);
  const facts = element('dl', { class: 'facts' });
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) facts.append(element('dt', {}, humanKey(k)), element('dd', {}, renderValue(v, locale)));
  return facts;
}

/** The agent's `explain` answer, whatever its shape: one card per top-level part, lists as lists or tables, long lists folded. */
export function renderExplain(value: unknown, locale: UiLocale): Node {
  if (!isPlainObject(value)) return element('div', { class: 'card explain' }, typeof value === 'string' ? element('pre', {}, value) : renderValue(value, locale));
  const container = element('div', { class: 'explain' });
  for (const [k, v] of Object.entries(value)) {
    container.append(element('section', { class: 'card', 'aria-label': humanKey(k) }, element('h2', {}, humanKey(k)), typeof v === 'string' ? element('p', {}, v) : renderValue(v, locale)));
  }
  return container;
}
