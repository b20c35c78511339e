// The YAML and JSON shapes that cost a parser the most per byte, each made as large as the policy caps let through.
import { Lexer } from 'yaml';
import { POLICY_MAX_BYTES, POLICY_MAX_TOKENS } from '../../agent/core/policy/parse.js';

export interface HostileShape {
  name: string;
  /** What the shape makes a parser do. */
  attack: string;
  json?: boolean;
  /** The file with `n` repetitions of its unit. */
  make(n: number): string;
  /** The rejection once the caps let it reach the parser: error code and a part of the message. */
  code: 'policy-parse' | 'policy-invalid';
  message: string;
}

const HEAD = 'apiVersion: cordon/v1\n';
const NO_ID = 'missing required field "id"';
const repeat = (n: number, unit: (i: number) => string): string => Array.from({ length: n }, (_, i) => unit(i)).join('');

export const HOSTILE_SHAPES: readonly HostileShape[] = [
  { name: 'flow-seq', attack: 'a node every two bytes', make: (n) => `${HEAD}x: [${'0,'.repeat(n)}0]\n`, code: 'policy-invalid', message: NO_ID },
  {
    name: 'flow-seq-of-empty',
    attack: 'a collection every three bytes',
    make: (n) => `${HEAD}x: [${'[],'.repeat(n)}0]\n`,
    code: 'policy-invalid',
    message: NO_ID,
  },
  { name: 'block-seq', attack: 'a block item every four bytes', make: (n) => `${HEAD}x:\n${'- 0\n'.repeat(n)}`, code: 'policy-invalid', message: NO_ID },
  {
    name: 'unique-keys',
    attack: 'one map with many keys (each key checked against every other)',
    make: (n) => `${HEAD}x:\n${repeat(n, (i) => ` k${i.toString(36)}: 0\n`)}`,
    code: 'policy-invalid',
    message: NO_ID,
  },
  {
    name: 'flow-map',
    attack: 'many keys in one flow map',
    make: (n) => `${HEAD}x: {${repeat(n, (i) => `k${i.toString(36)}: 0,`)}}\n`,
    code: 'policy-invalid',
    message: NO_ID,
  },
  {
    name: 'duplicate-keys',
    attack: 'one parse error per key',
    make: (n) => `${HEAD}x:\n${' a: 0\n'.repeat(n)}`,
    code: 'policy-parse',
    message: 'Map keys must be unique',
  },
  {
    name: 'deep-block',
    attack: 'block nesting two bytes a level (the composer recurses)',
    make: (n) => `${HEAD}x:\n${'- '.repeat(n)}0\n`,
    code: 'policy-invalid',
    message: 'nested more than 32 levels deep',
  },
  {
    name: 'deep-flow',
    attack: 'flow nesting one byte a level',
    make: (n) => `${HEAD}x: ${'['.repeat(n)}\n`,
    code: 'policy-invalid',
    message: 'nested more than 32 levels deep',
  },
  {
    name: 'aliases',
    attack: 'an alias node every three bytes',
    make: (n) => `${HEAD}y: &a [0]\nx: [${'*a,'.repeat(n)}0]\n`,
    code: 'policy-parse',
    message: 'alias bomb',
  },
  {
    name: 'billion-laughs',
    attack: 'aliases of aliases, 9^n values',
    make: (n) => `${HEAD}a0: &a0 [x, x, x, x, x, x, x, x, x]\n${repeat(n, (i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]\n`)}`,
    code: 'policy-parse',
    message: 'alias bomb',
  },
  {
    name: 'anchors',
    attack: 'an anchor on every node',
    make: (n) => `${HEAD}x: [${repeat(n, (i) => `&a${i.toString(36)} 0,`)}0]\n`,
    code: 'policy-invalid',
    message: NO_ID,
  },
  { name: 'long-scalar', attack: 'one value as long as the file', make: (n) => `${HEAD}x: ${'a'.repeat(n)}\n`, code: 'policy-invalid', message: NO_ID },
  {
    name: 'escaped-scalar',
    attack: 'a string of escapes, decoded one by one',
    make: (n) => `${HEAD}x: "${'\\x41'.repeat(n)}"\n`,
    code: 'policy-invalid',
    message: NO_ID,
  },
  { name: 'documents', attack: 'a document every four bytes', make: (n) => `${HEAD}${'---\n'.repeat(n)}`, code: 'policy-parse', message: 'multiple documents' },
  { name: 'comments', attack: 'a comment every two bytes', make: (n) => `${HEAD}${'#\n'.repeat(n)}`, code: 'policy-invalid', message: NO_ID },
  { name: 'line-breaks', attack: 'a line every byte', make: (n) => `${HEAD}${'\n'.repeat(n)}`, code: 'policy-invalid', message: NO_ID },
  {
    name: 'unmatched-brackets',
    attack: 'a parse error every byte',
    make: (n) => `${HEAD}x: ${']'.repeat(n)}\n`,
    code: 'policy-parse',
    message: 'YAML syntax error',
  },
  {
    name: 'tags',
    attack: 'a parse error every three bytes',
    make: (n) => `${HEAD}x: [${'!x '.repeat(n)}\n`,
    code: 'policy-parse',
    message: 'YAML syntax error',
  },
  {
    name: 'tab-indents',
    attack: 'a parse error every line',
    make: (n) => `${HEAD}x:\n${'\t- 0\n'.repeat(n)}`,
    code: 'policy-parse',
    message: 'YAML syntax error',
  },
  {
    name: 'merge-keys',
    attack: 'merge keys (plain keys in YAML 1.2), repeated',
    make: (n) => `${HEAD}y: &a {b: 0}\nx:\n${' <<: *a\n'.repeat(n)}`,
    code: 'policy-parse',
    message: 'Map keys must be unique',
  },
  {
    name: 'collection-keys',
    attack: 'collections as keys (turned into strings)',
    make: (n) => `${HEAD}x:\n${repeat(n, (i) => `  ? [${i}, 0, 0, 0]\n  : 0\n`)}`,
    code: 'policy-invalid',
    message: NO_ID,
  },
  {
    name: 'json-array',
    attack: 'a JSON value every two bytes',
    json: true,
    make: (n) => `{"x": [${'0,'.repeat(n)}0]}\n`,
    code: 'policy-invalid',
    message: 'missing required field "apiVersion"',
  },
  {
    name: 'json-object',
    attack: 'many JSON keys in one object',
    json: true,
    make: (n) => `{"apiVersion": "cordon/v1", "x": {${repeat(n, (i) => `"k${i.toString(36)}": 0,`)}"z": 0}}\n`,
    code: 'policy-invalid',
    message: NO_ID,
  },
];

function withinCaps(text: string): boolean {
  if (Buffer.byteLength(text) > POLICY_MAX_BYTES) return false;
  let tokens = 0;
  for (const _ of new Lexer().lex(text)) if (++tokens > POLICY_MAX_TOKENS) return false;
  return true;
}

/** The largest repetition count whose file still passes the byte and token caps (so the parser sees it). */
export function largestWithinCaps(shape: HostileShape): number {
  let lo = 1;
  let hi = POLICY_MAX_BYTES;
  if (!withinCaps(shape.make(lo))) throw new Error(`${shape.name}: even one repetition is over the caps`);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (withinCaps(shape.make(mid))) lo = mid;
    else hi = mid;
  }
  return lo;
}
