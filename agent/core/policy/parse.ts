// Turns the bytes of a policy file (JSON or YAML) into a checked Policy, or a CordonError naming file, line and field.
import { Lexer, LineCounter, parseDocument, type Document } from 'yaml';
import { CordonError, type ErrorCode } from '../../common/errors.js';
import { validateToolSignatures } from '../catalog/validate.js';
import { didYouMean } from '../../common/didYouMean.js';
import { formatFieldPath, type FieldPath } from '../schemaErrors.js';
import { lineOf } from './locate.js';
import { schemaProblem } from './schema.js';
import type { Policy } from './types.js';

/**
 * Real policies are 3-5 KiB and a tool in a catalog section adds 2-18 KiB, so 128 KiB (more than twice the largest
 * built-in catalog entry) is never what stops a real policy. Text costs little; the token cap bounds the structure.
 */
export const POLICY_MAX_BYTES = 128 * 1024;
/**
 * The YAML parser builds 0.3-1 KiB of syntax tree, nodes and errors per token (a key, a value, a bracket, a comma, a
 * line break), so bytes alone do not bound memory: `[0,0,0,…` is a node every two bytes, and 1 MiB of it raised the
 * agent's peak RSS by 480 MB. Real policies have 500-900 tokens and a tool's catalog entry 750-3,000; a policy carrying
 * the most detailed one (claude-code, 5,300) still fits. At this cap the worst file costs the agent about 2-3 MB.
 */
export const POLICY_MAX_TOKENS = 8 * 1024;
/** The deepest legitimate path (catalog → tool → configs → matchers → field) is far below this. */
export const POLICY_MAX_DEPTH = 32;
/** Anchors are handy for shared phases; more expansions than this is an alias bomb. */
export const POLICY_MAX_ALIASES = 100;

const TOO_DEEP = `nested more than ${POLICY_MAX_DEPTH} levels deep; no policy field needs that`;
const FLATTEN = 'flatten the structure as in policies/anthropic-ban.yaml';

export interface ParseOptions {
  /**
   * Tool ids of the built-in catalog. When given, every rule must name one of these or a tool of the
   * policy's own catalog section, and the policy's tools must not reuse a built-in id.
   */
  knownToolIds?: Iterable<string>;
}

interface Source {
  file: string;
  doc: Document | null;
  counter: LineCounter | null;
}

/** Parses and checks a policy file; throws CordonError (policy-parse / policy-invalid) and nothing else. */
export function parsePolicy(bytes: Buffer, file: string, options: ParseOptions = {}): Policy {
  try {
    return parseChecked(bytes, file, options);
  } catch (err) {
    if (err instanceof CordonError) throw err;
    if (err instanceof RangeError) {
      throw new CordonError('policy-invalid', TOO_DEEP, { where: file, fix: FLATTEN }, err);
    }
    throw new CordonError(
      'policy-parse',
      `cannot be read as a policy: ${(err as Error).message}`,
      { where: file, fix: 'check the file is a policy written as in policies/anthropic-ban.yaml (schema: policies/policy.schema.json)' },
      err,
    );
  }
}

function parseChecked(bytes: Buffer, file: string, options: ParseOptions): Policy {
  if (bytes.length > POLICY_MAX_BYTES) throw policyTooLarge(bytes.length, file);
  const text = decodeUtf8(bytes, file);
  if (text.trim() === '')
    throw new CordonError('policy-parse', 'file is empty', {
      where: file,
      fix: 'write a policy as in policies/anthropic-ban.yaml (schema: policies/policy.schema.json)',
    });
  const json = isJsonFile(file, text);
  checkTokens(text, file);
  const counter = new LineCounter();
  const doc = withoutStackTraces(() =>
    parseDocument(text, { lineCounter: counter, uniqueKeys: true, strict: true, prettyErrors: false, version: '1.2', schema: 'core', logLevel: 'error' }),
  );
  const src: Source = { file, doc, counter };
  let value: unknown;
  if (json) value = parseJson(text, src);
  // The composer recurses into block collections and reports a stack overflow as an error of its own.
  const overflow = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  if (overflow) throw new CordonError('policy-invalid', TOO_DEEP, { where: `${file}:${counter.linePos(overflow.pos[0]).line}`, fix: FLATTEN });
  const syntax = doc.errors[0] ?? doc.warnings[0];
  if (syntax) {
    const { line, col } = counter.linePos(syntax.pos[0]);
    const what = syntax.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? 'syntax error';
    throw new CordonError('policy-parse', `${json ? 'JSON' : 'YAML'} syntax error: ${what}`, {
      where: line ? `${file}:${line}:${col}` : file,
      fix: json ? 'fix the JSON syntax (every key once, no trailing commas)' : 'fix the YAML syntax (indentation, quotes, each key once, no custom tags)',
    });
  }
  if (!json) value = toPlainValue(doc, src);
  checkDepth(value, src);
  checkCharacters(value, [], src);
  const problem = schemaProblem(value);
  if (problem) fail(src, 'policy-invalid', problem.path, problem.message);
  const policy = normalizeText(value) as Policy;
  checkSemantics(policy, src, options);
  return policy;
}

function decodeUtf8(bytes: Buffer, file: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (err) {
    const lossy = bytes.toString('utf8');
    const line = lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))).split('\n').length;
    throw new CordonError('policy-parse', 'file is not valid UTF-8 text', { where: `${file}:${line}`, fix: 'save the file as UTF-8' }, err);
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function isJsonFile(file: string, text: string): boolean {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return true;
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return false;
  return text.trimStart().startsWith('{');
}

function parseJson(text: string, src: Source): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof RangeError) throw err;
    const at = /position (\d+)/.exec((err as Error).message);
    const line = at ? text.slice(0, Number(at[1])).split('\n').length : null;
    throw new CordonError(
      'policy-parse',
      `JSON syntax error: ${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')}`,
      {
        where: line ? `${src.file}:${line}` : src.file,
        fix: 'fix the JSON syntax (quotes around keys, commas between entries, no trailing commas)',
      },
      err,
    );
  }
}

/** The error for a policy file over POLICY_MAX_BYTES, named the same whether the size is seen on disk or in memory. */
export function policyTooLarge(size: number, file: string): CordonError {
  return new CordonError('policy-invalid', `file is ${size} bytes; a policy may be at most ${POLICY_MAX_BYTES} bytes (${POLICY_MAX_BYTES / 1024} KiB)`, {
    where: file,
    fix: 'split it into several policies or remove what is not needed',
  });
}

/** Lexer tokens that are markers, not text of the file: they do not move the position. */
const MARKER_TOKENS: ReadonlySet<string> = new Set(['', '\x02', '\x18', '\x1f']);

/**
 * Counts tokens and flow nesting with the YAML lexer, which streams and keeps nothing, before the parser builds a tree:
 * a file too intricate or too deeply bracketed for a policy is refused at the cost of reading it once.
 */
function checkTokens(text: string, file: string): void {
  let tokens = 0;
  let depth = 0;
  let offset = 0;
  const refuse = (what: string, fix: string): never => {
    throw new CordonError('policy-invalid', what, { where: `${file}:${text.slice(0, offset).split('\n').length}`, fix });
  };
  for (const token of new Lexer().lex(text)) {
    if (++tokens > POLICY_MAX_TOKENS) {
      refuse(
        `more than ${POLICY_MAX_TOKENS} YAML tokens (keys, values, brackets, commas, line breaks); the largest real policies have a few thousand`,
        'split it into several policies or remove what is not needed',
      );
    }
    if (token === '[' || token === '{') {
      if (++depth > POLICY_MAX_DEPTH) refuse(TOO_DEEP, FLATTEN);
    } else if (token === ']' || token === '}') {
      depth = Math.max(0, depth - 1);
    }
    if (!MARKER_TOKENS.has(token)) offset += token.length;
  }
}

/**
 * A broken file makes one parse error per token, and a stack trace costs ~1.2 KiB more than the error itself (16,000
 * errors: 20 MB instead of 5). Only the first error's message and position are ever shown.
 */
function withoutStackTraces<T>(run: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return run();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function toPlainValue(doc: Document, src: Source): unknown {
  try {
    return doc.toJS({ maxAliasCount: POLICY_MAX_ALIASES });
  } catch (err) {
    throw new CordonError(
      'policy-parse',
      `YAML aliases expand too much (more than ${POLICY_MAX_ALIASES} expansions): this looks like an alias bomb`,
      {
        where: src.file,
        fix: 'write the values out instead of nesting anchors and aliases',
      },
      err,
    );
  }
}

function fail(src: Source, code: ErrorCode, path: FieldPath, what: string, fix?: string): never {
  const line = lineOf(src.doc, src.counter, path);
  throw new CordonError(code, `${formatFieldPath(path)}: ${what}`, {
    where: line ? `${src.file}:${line}` : src.file,
    field: formatFieldPath(path),
    ...(fix ? { fix } : {}),
  });
}

/** Walks the value without recursion so even hostile nesting cannot overflow the stack. */
function checkDepth(value: unknown, src: Source): void {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: (string | number)[] };
    if (node === null || typeof node !== 'object') continue;
    if (path.length >= POLICY_MAX_DEPTH) {
      fail(src, 'policy-invalid', path.slice(0, 4), TOO_DEEP, FLATTEN);
    }
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [key, child] of entries) stack.push({ node: child, path: [...path, key] });
  }
}

/** Invisible and direction-changing characters let a policy show one thing and mean another (Trojan Source). */
const FORBIDDEN_CHARACTERS: ReadonlyMap<number, string> = new Map([
  [0x061c, 'ARABIC LETTER MARK'],
  [0x200b, 'ZERO WIDTH SPACE'],
  [0x200c, 'ZERO WIDTH NON-JOINER'],
  [0x200d, 'ZERO WIDTH JOINER'],
  [0x200e, 'LEFT-TO-RIGHT MARK'],
  [0x200f, 'RIGHT-TO-LEFT MARK'],
  [0x2028, 'LINE SEPARATOR'],
  [0x2029, 'PARAGRAPH SEPARATOR'],
  [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
  [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
  [0x202c, 'POP DIRECTIONAL FORMATTING'],
  [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
  [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
  [0x2060, 'WORD JOINER'],
  [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
  [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
  [0x2068, 'FIRST STRONG ISOLATE'],
  [0x2069, 'POP DIRECTIONAL ISOLATE'],
  [0xfeff, 'ZERO WIDTH NO-BREAK SPACE'],
]);

function oddCharacter(text: string, allowLineBreaks: boolean): string | null {
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    const named = FORBIDDEN_CHARACTERS.get(cp);
    const control = (cp < 0x20 && !(allowLineBreaks && (cp === 0x0a || cp === 0x09))) || (cp >= 0x7f && cp <= 0x9f);
    if (named || control) {
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      return `U+${hex}${named ? ` (${named})` : ' (a control character)'}`;
    }
  }
  return null;
}

function checkCharacters(value: unknown, path: (string | number)[], src: Source): void {
  const stack: { node: unknown; path: (string | number)[] }[] = [{ node: value, path }];
  while (stack.length > 0) {
    const { node, path: at } = stack.pop() as { node: unknown; path: (string | number)[] };
    if (typeof node === 'string') {
      const odd = oddCharacter(node, true);
      if (odd) fail(src, 'policy-invalid', at, `contains the invisible or control character ${odd}`, 'retype the text without it');
    } else if (node !== null && typeof node === 'object') {
      const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
      for (const [key, child] of entries) {
        if (typeof key === 'string') {
          const odd = oddCharacter(key, false);
          if (odd) fail(src, 'policy-invalid', [...at, key], `a field name contains the invisible or control character ${odd}`, 'retype the field name');
        }
        stack.push({ node: child, path: [...at, key] });
      }
    }
  }
}

/** NFC everywhere, so the same name typed on two systems compares equal. */
function normalizeText(value: unknown): unknown {
  if (typeof value === 'string') return value.normalize('NFC');
  if (Array.isArray(value)) return value.map(normalizeText);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.normalize('NFC'), normalizeText(v)]));
  }
  return value;
}

function instant(iso: string): number {
  return Date.parse(iso);
}

function checkSemantics(policy: Policy, src: Source, options: ParseOptions): void {
  if (policy.expiresAt !== undefined && instant(policy.expiresAt) <= instant(policy.issuedAt)) {
    fail(
      src,
      'policy-invalid',
      ['expiresAt'],
      `${policy.expiresAt} is not after issuedAt (${policy.issuedAt})`,
      'set expiresAt later than issuedAt, or remove it',
    );
  }
  const ruleIds = new Map<string, number>();
  policy.rules.forEach((rule, r) => {
    const seen = ruleIds.get(rule.id);
    if (seen !== undefined)
      fail(src, 'policy-invalid', ['rules', r, 'id'], `duplicate rule id "${rule.id}" (also rules[${seen}])`, 'give each rule its own id');
    ruleIds.set(rule.id, r);
    checkNarrowing(rule, r, src);
    rule.phases.forEach((phase, p) => {
      if (p === 0) return;
      const prev = rule.phases[p - 1] as { from: string };
      const delta = instant(phase.from) - instant(prev.from);
      if (delta === 0) {
        fail(
          src,
          'policy-invalid',
          ['rules', r, 'phases', p, 'from'],
          `duplicate phase time: ${phase.from} is the same instant as phases[${p - 1}].from (${prev.from})`,
          'merge the two phases or move one',
        );
      }
      if (delta < 0) {
        fail(
          src,
          'policy-invalid',
          ['rules', r, 'phases', p, 'from'],
          `phases are not sorted by from: ${phase.from} is before phases[${p - 1}].from (${prev.from})`,
          'list phases from earliest to latest',
        );
      }
    });
  });
  if (policy.rules.length === 0 && !(policy.exemptions ?? []).some((ex) => ex.policy !== undefined && ex.policy !== policy.id)) {
    fail(
      src,
      'policy-invalid',
      ['rules'],
      'has no rules and grants no exemption from another policy, so it would do nothing',
      'add a rule, or name the policy each exemption lifts with `policy`',
    );
  }
  (policy.exemptions ?? []).forEach((ex, e) => {
    // Another policy's rules are checked where both are loaded: that policy may come or go independently.
    if (ex.policy !== undefined && ex.policy !== policy.id) return;
    (ex.rules ?? []).forEach((id, i) => {
      if (!ruleIds.has(id))
        fail(src, 'policy-invalid', ['exemptions', e, 'rules', i], `unknown rule "${id}"; this policy's rules are ${[...ruleIds.keys()].join(', ')}`);
    });
    if ((ex.users ?? []).length + (ex.hosts ?? []).length + (ex.groups ?? []).length === 0) {
      fail(
        src,
        'policy-invalid',
        ['exemptions', e],
        'names no users, hosts or groups, so it would exempt everyone',
        'list the users, hosts or groups that are exempt',
      );
    }
  });
  checkTools(policy, src, options);
}

/** `narrow` means nothing without models, and models without `narrow` would look like a restriction that never applies. */
function checkNarrowing(rule: Policy['rules'][number], r: number, src: Source): void {
  const narrows = rule.phases.findIndex((phase) => phase.actions.includes('narrow'));
  if (narrows >= 0 && !rule.allowedModels?.length) {
    fail(
      src,
      'policy-invalid',
      ['rules', r, 'phases', narrows, 'actions'],
      'narrow needs the models it allows: add a non-empty allowedModels to the rule (e.g. [haiku])',
      'list the allowed model families, version prefixes or model ids in allowedModels',
    );
  }
  if (narrows < 0 && rule.allowedModels !== undefined) {
    fail(
      src,
      'policy-invalid',
      ['rules', r, 'allowedModels'],
      'allowedModels is used only by the narrow action, and no phase of this rule narrows',
      'add narrow to a phase, or remove allowedModels',
    );
  }
  const gates = rule.phases.some((phase) => phase.actions.includes('narrow') || phase.actions.includes('prevent'));
  if (!gates && rule.requiredMinimumVersion !== undefined) {
    fail(
      src,
      'policy-invalid',
      ['rules', r, 'requiredMinimumVersion'],
      'requiredMinimumVersion is used only with prevent or narrow, and no phase of this rule has either',
      'add prevent or narrow to a phase, or remove requiredMinimumVersion',
    );
  }
}

function checkTools(policy: Policy, src: Source, options: ParseOptions): void {
  const builtIn = options.knownToolIds ? new Set(options.knownToolIds) : null;
  if (policy.catalog !== undefined) {
    try {
      policy.catalog = validateToolSignatures(policy.catalog, 'catalog');
    } catch (err) {
      const e = err instanceof CordonError ? err : null;
      const where = typeof e?.details.where === 'string' ? e.details.where : 'catalog';
      const index = /^catalog\[(\d+)\]/.exec(where);
      const line = lineOf(src.doc, src.counter, index ? ['catalog', Number(index[1])] : ['catalog']);
      throw new CordonError(
        'policy-invalid',
        `${where}: ${e ? e.message : (err as Error).message}`,
        {
          where: line ? `${src.file}:${line}` : src.file,
          fix: 'write each tool in the catalog format (policies/catalog.schema.json)',
        },
        err,
      );
    }
  }
  const own = new Set((policy.catalog ?? []).map((tool) => tool.id));
  if (!builtIn) return;
  policy.rules.forEach((rule, r) => {
    rule.tools.forEach((tool, t) => {
      if (!builtIn.has(tool) && !own.has(tool)) {
        fail(
          src,
          'policy-invalid',
          ['rules', r, 'tools', t],
          `unknown tool "${tool}"${didYouMean(tool, [...builtIn, ...own])}`,
          "use an id that `cordon catalog --ids` lists, or define the tool in this policy's catalog section",
        );
      }
    });
  });
}
