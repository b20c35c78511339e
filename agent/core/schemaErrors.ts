// Words a JSON Schema validator's (ajv's) findings the way an admin needs them: the one formatter for policies,
// catalog entries and the agent config.
import type { ErrorObject } from 'ajv';
import { didYouMean } from '../common/didYouMean.js';

export type FieldPath = readonly (string | number)[];

/** `rules[0].phases[1].actions` as admins read it; the empty path is the top level. */
export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out === '' ? '(top level)' : out;
}

/** Splits an ajv instancePath (`/rules/0/phases/1`) into segments, numbers for array indexes. */
export function fromInstancePath(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : seg));
}

export interface SchemaProblem {
  path: FieldPath;
  message: string;
}

/** The most useful problem among a validator's errors (compile it with `verbose: true` so values can be quoted). */
export function schemaProblem(errors: readonly ErrorObject[] | null | undefined, fallback = 'does not match the schema'): SchemaProblem {
  const best = pickError(errors ?? []);
  return best ? describe(best, fallback) : { path: [], message: fallback };
}

/** `rules[0].actions: unknown action "x"; expected report, notify`: a problem in one line. */
export function formatSchemaProblem(problem: SchemaProblem): string {
  return `${formatFieldPath(problem.path)}: ${problem.message}`;
}

/** The deepest error wins (it names the exact field); combinator summaries only when nothing deeper exists. */
function pickError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  const depth = (e: ErrorObject): number =>
    fromInstancePath(e.instancePath).length + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 1 : 0);
  const concrete = errors.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf' && e.propertyName === undefined);
  const textUnion = errors.find((e) => e.keyword === 'oneOf' && e.schemaPath.includes('localizedText'));
  if (textUnion && concrete.every((e) => e.instancePath === textUnion.instancePath && e.keyword === 'type')) return textUnion;
  const pool = concrete.length > 0 ? concrete : errors;
  const branchType = (e: ErrorObject): number => (e.keyword === 'type' && e.schemaPath.includes('/oneOf/') ? 0 : 1);
  return [...pool].sort((a, b) => depth(b) - depth(a) || branchType(b) - branchType(a))[0];
}

function describe(e: ErrorObject, fallback: string): SchemaProblem {
  const path = fromInstancePath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  const noun = typeof last === 'number' && typeof parent === 'string' ? singular(parent) : typeof last === 'string' ? last : 'value';
  switch (e.keyword) {
    case 'required':
      return { path, message: `missing required field "${String(params.missingProperty)}"` };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
      return { path: [...path, name], message: `unknown field "${name}"${didYouMean(name, known)}; expected one of ${known.join(', ')}` };
    }
    case 'enum':
      return { path, message: `unknown ${noun} ${JSON.stringify(e.data)}; expected ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'const':
      return { path, message: `unsupported ${noun} ${JSON.stringify(e.data)}; expected ${String(params.allowedValue)}` };
    case 'type':
      return { path, message: `expected ${article(String(params.type))}, got ${describeValue(e.data)}` };
    case 'format':
    case 'pattern':
      return { path, message: patternMessage(e) };
    case 'propertyNames':
      return { path: [...path, String(params.propertyName)], message: `"${String(params.propertyName)}" is not a language tag; use tags like en or zh-CN` };
    case 'minimum':
    case 'maximum':
      return { path, message: `${String(e.data)} is out of range; expected ${String(params.comparison)} ${String(params.limit)}` };
    case 'minItems':
      return { path, message: `must list at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { path, message: `lists ${(e.data as unknown[]).length} items; at most ${String(params.limit)} are allowed` };
    case 'uniqueItems':
      return {
        path: [...path, Number(params.i)],
        message: `lists ${JSON.stringify((e.data as unknown[])[Number(params.i)])} twice (items ${String(params.j)} and ${String(params.i)})`,
      };
    case 'minLength':
    case 'minProperties':
      return { path, message: 'must not be empty' };
    case 'maxLength':
      return { path, message: `is ${(e.data as string).length} characters long; at most ${String(params.limit)} are allowed` };
    case 'maxProperties':
      return { path, message: `has too many entries; at most ${String(params.limit)} are allowed` };
    case 'oneOf':
      return { path, message: `expected text, or a map of language tags to text (en: ..., zh-CN: ...), got ${describeValue(e.data)}` };
    default:
      return { path, message: e.message ?? fallback };
  }
}

function patternMessage(e: ErrorObject): string {
  const shown = JSON.stringify(e.data);
  if (e.schemaPath.includes('/time/')) return `${shown} is not a date-time with an offset; write it like 2026-07-10T00:00:00+08:00 or 2026-07-10T00:00:00Z`;
  if (e.schemaPath.includes('/id/')) return `${shown} is not a valid id; use lowercase ASCII letters, digits and hyphens (at most 64)`;
  if (e.schemaPath.includes('/name/')) return `${shown} has spaces at either end; remove them`;
  if (e.instancePath.endsWith('/url')) return `${shown} is not an http(s) URL`;
  return `${shown} ${e.message ?? 'has the wrong form'}`;
}

function singular(key: string): string {
  return key.endsWith('s') ? key.slice(0, -1) : key;
}

function article(type: string): string {
  switch (type) {
    case 'integer':
      return 'an integer';
    case 'object':
      return 'an object (key: value)';
    case 'array':
      return 'a list';
    default:
      return `a ${type}`;
  }
}

/** A short, safe rendering of a wrong value for an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case 'number':
      return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
    case 'boolean':
      return `${String(value)}`;
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}
