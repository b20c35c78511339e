// The window's entry: reads everything through `window.cordon`, renders the current page and keeps countdowns live.
import type { CordonBridge } from '../model/bridge.js';
import { formatCountdown, formatDeadline } from '../model/countdown.js';
import { t, type StringKey } from '../model/strings.js';
import { iconStateFor, statusLine, type TrayView, type WindowPage } from '../model/trayView.js';
import { byId, replaceChildren } from './dom.js';
import { untilFromText } from '../../agent/common/untilDate.js';
import { renderExplain, renderFindings, renderHistory, renderPolicies, type ExceptionDraft } from './pages.js';

declare global {
  interface Window {
    cordon: CordonBridge;
  }
}

const PAGES: readonly WindowPage[] = ['findings', 'history', 'policy', 'transparency'];
const NAV_WORD: Record<WindowPage, StringKey> = { findings: 'navFindings', history: 'navHistory', policy: 'navPolicy', transparency: 'navTransparency' };
const BADGE_WORD = { compliant: 'compliant', warning: 'warning', violation: 'violation', unreachable: 'unreachable' } as const;

const bridge = window.cordon;
let view: TrayView | null = null;
const fixing = new Set<string>();
const errors = new Map<string, string>();
const drafts = new Map<string, ExceptionDraft>();
const asking = new Set<string>();
const askErrors = new Map<string, string>();

function currentPage(): WindowPage {
  const hash = location.hash.replace('#', '');
  return (PAGES as readonly string[]).includes(hash) ? (hash as WindowPage) : 'findings';
}

function renderChrome(v: TrayView): void {
  const locale = v.locale;
  document.documentElement.lang = locale;
  document.title = `${t(locale, 'appName')}: ${statusLine(v)}`;
  byId('skip-link').textContent = t(locale, 'skipToContent');
  byId('nav').setAttribute('aria-label', t(locale, 'navLabel'));
  const state = iconStateFor(v);
  const badge = byId('status-badge');
  badge.className = `badge badge-${state}`;
  badge.textContent = v.connection === 'connecting' && !v.status ? t(locale, 'connecting') : t(locale, BADGE_WORD[state]);
  const scan = byId<HTMLButtonElement>('scan-now');
  scan.textContent = t(locale, 'scanNow');
  scan.disabled = v.connection !== 'connected';
  const page = currentPage();
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('#nav a'))) {
    const target = link.dataset.page as WindowPage;
    link.textContent = t(locale, NAV_WORD[target]);
    if (target === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  for (const p of PAGES) byId(`page-${p}`).hidden = p !== page;
  byId('heading-findings').textContent = t(locale, 'headingFindings');
  byId('heading-history').textContent = t(locale, 'headingHistory');
  byId('heading-policy').textContent = t(locale, 'headingPolicy');
  byId('heading-transparency').textContent = t(locale, 'headingTransparency');
  byId('transparency-intro').textContent = t(locale, 'transparencyIntro');
  const banner = byId('banner');
  banner.hidden = v.connection !== 'unreachable';
  replaceChildren(
    banner,
    ...(v.connection === 'unreachable'
      ? [Object.assign(document.createElement('strong'), { textContent: t(locale, 'unreachableTitle') }), t(locale, 'unreachableBody')]
      : []),
  );
  byId('footer').textContent = v.status ? t(locale, 'lastChecked', { when: formatDeadline(v.status.evaluatedAt, locale), host: v.status.host }) : '';
}

/** Re-renders the findings while keeping keyboard focus (and the caret in a form) on the same control when it still exists. */
function renderFindingsPage(v: TrayView): void {
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const focused = active?.dataset.fix;
  const field = active && (active instanceof HTMLTextAreaElement || active instanceof HTMLInputElement) ? active : null;
  const caret = field instanceof HTMLTextAreaElement ? ([field.selectionStart, field.selectionEnd] as const) : null;
  byId('summary').textContent = statusLine(v);
  replaceChildren(byId('findings'), ...renderFindings(v, Date.now(), { fixing, errors, drafts, asking, askErrors }));
  if (focused) document.querySelector<HTMLElement>(`[data-fix="${CSS.escape(focused)}"]`)?.focus();
  if (field?.id) {
    const again = document.getElementById(field.id);
    again?.focus();
    if (caret && again instanceof HTMLTextAreaElement) again.setSelectionRange(caret[0], caret[1]);
  }
}

async function renderAsyncPage(v: TrayView, page: WindowPage): Promise<void> {
  try {
    if (page === 'history') replaceChildren(byId('history'), renderHistory(await bridge.history(), v.locale, v.status));
    if (page === 'transparency') replaceChildren(byId('transparency'), renderExplain(await bridge.explain(v.locale), v.locale));
  } catch (err) {
    const target = byId(page === 'history' ? 'history' : 'transparency');
    replaceChildren(target, Object.assign(document.createElement('p'), { className: 'error', textContent: (err as Error).message }));
  }
}

function render(): void {
  if (!view) return;
  renderChrome(view);
  renderFindingsPage(view);
  replaceChildren(byId('policies'), ...renderPolicies(view, Date.now()));
  const page = currentPage();
  if (page === 'history' || page === 'transparency') void renderAsyncPage(view, page);
}

function tick(): void {
  if (!view) return;
  const now = Date.now();
  for (const node of Array.from(document.querySelectorAll<HTMLElement>('.countdown'))) {
    const deadline = node.dataset.deadline;
    if (deadline) node.textContent = formatCountdown(deadline, now, view.locale);
  }
}

async function fix(findingId: string): Promise<void> {
  fixing.add(findingId);
  errors.delete(findingId);
  render();
  const outcome = await bridge.remediate(findingId).catch((err: Error) => ({ ok: false, error: err.message }));
  fixing.delete(findingId);
  if (!outcome.ok) errors.set(findingId, outcome.error ?? '');
  render();
}

/** Fix all: one request after the other, so the daemon handles them in order and each error stays with its finding. */
async function fixAll(ids: string[]): Promise<void> {
  for (const id of ids) await fix(id);
}

function draftOf(tool: string): ExceptionDraft {
  let draft = drafts.get(tool);
  if (!draft) drafts.set(tool, (draft = { open: false, reason: '', until: '' }));
  return draft;
}

/** Sends a tool's exception form; the daemon's pushed status then shows the request pending. */
async function askException(form: HTMLFormElement): Promise<void> {
  const tool = form.dataset.exceptionTool ?? '';
  const draft = draftOf(tool);
  asking.add(tool);
  askErrors.delete(tool);
  render();
  const ask = {
    tool,
    ...(form.dataset.finding ? { finding: form.dataset.finding } : {}),
    reason: draft.reason,
    ...(draft.until ? { until: untilFromText(draft.until) } : {}),
  };
  const outcome = await bridge.requestException(ask).catch((err: Error) => ({ ok: false, error: err.message }));
  asking.delete(tool);
  if (outcome.ok) drafts.delete(tool);
  else askErrors.set(tool, outcome.error ?? '');
  render();
}

function navigate(page: WindowPage): void {
  if (currentPage() !== page) location.hash = page;
  else render();
}

function wire(): void {
  byId('findings').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-fix], button[data-fix-all]');
    if (!button || button.disabled) return;
    if (button.dataset.fixAll) void fixAll(button.dataset.fixAll.split(' ').filter(Boolean));
    else if (button.dataset.fix) void fix(button.dataset.fix);
  });
  byId('findings').addEventListener('input', (event) => {
    const field = event.target as HTMLInputElement | HTMLTextAreaElement;
    const tool = field.closest<HTMLFormElement>('form[data-exception-tool]')?.dataset.exceptionTool;
    if (tool === undefined) return;
    const draft = draftOf(tool);
    if (field.dataset.draft === 'reason') draft.reason = field.value;
    if (field.dataset.draft === 'until') draft.until = field.value;
  });
  byId('findings').addEventListener(
    'toggle',
    (event) => {
      const details = event.target as HTMLDetailsElement;
      const tool = details.classList.contains('ask-exception') ? details.dataset.exceptionTool : undefined;
      if (tool !== undefined) draftOf(tool).open = details.open;
    },
    true,
  );
  byId('findings').addEventListener('submit', (event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    if (form.dataset.exceptionTool !== undefined && !asking.has(form.dataset.exceptionTool)) void askException(form);
  });
  byId('skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    byId('main').focus();
  });
  byId('scan-now').addEventListener('click', () => void bridge.scan().catch(() => undefined));
  window.addEventListener('hashchange', () => {
    render();
    byId('main').focus();
  });
  bridge.onView((next) => {
    view = next;
    render();
  });
  bridge.onNavigate(navigate);
  setInterval(tick, 1000);
}

wire();
void bridge.getView().then((initial) => {
  view = view ?? initial;
  render();
});
