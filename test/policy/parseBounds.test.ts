// What a policy file may cost: real policies fit the byte and token caps with room to spare, and each shape that is
// worst per byte for a YAML parser is refused, by a cap before parsing or by the check it reaches within the caps.
import fs from 'node:fs';
import path from 'node:path';
import { Lexer } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CordonError } from '../../agent/common/errors.js';
import { POLICY_MAX_BYTES, POLICY_MAX_TOKENS, parsePolicy } from '../../agent/core/policy/parse.js';
import { HOSTILE_SHAPES, largestWithinCaps } from '../support/hostilePolicies.js';
import { policiesDir } from '../support/paths.js';
import { builtInCatalog } from './support.js';

const knownToolIds = builtInCatalog.tools.map((t) => t.id);

function tokens(text: string): number {
  let n = 0;
  for (const _ of new Lexer().lex(text)) n++;
  return n;
}

function rejection(text: string, file: string): CordonError {
  try {
    parsePolicy(Buffer.from(text), file, { knownToolIds });
  } catch (err) {
    if (err instanceof CordonError) return err;
    throw err;
  }
  throw new Error(`${file} was accepted`);
}

/** anthropic-ban.yaml with a built-in tool's entry as its own catalog section (an entry with a built-in id adds signals). */
function banWithCatalogOf(tool: string): string {
  const entry = fs
    .readFileSync(path.join(policiesDir, 'catalog', `${tool}.yaml`), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  return `${fs.readFileSync(path.join(policiesDir, 'anthropic-ban.yaml'), 'utf8')}catalog:\n${entry.map((l, i) => `${i === 0 ? '  - ' : '    '}${l}`).join('\n')}\n`;
}

describe('the caps on a policy file', () => {
  it('leave real policies far below them, and room for several tools in a catalog section', () => {
    for (const name of fs.readdirSync(policiesDir).filter((f) => f.endsWith('.yaml'))) {
      const text = fs.readFileSync(path.join(policiesDir, name), 'utf8');
      expect(Buffer.byteLength(text) * 10, name).toBeLessThan(POLICY_MAX_BYTES);
      expect(tokens(text) * 5, name).toBeLessThan(POLICY_MAX_TOKENS);
    }
    const entries = fs.readdirSync(path.join(policiesDir, 'catalog')).map((f) => fs.readFileSync(path.join(policiesDir, 'catalog', f), 'utf8'));
    expect(entries.filter((e) => tokens(e) * 2 < POLICY_MAX_TOKENS).length / entries.length).toBeGreaterThan(0.85);
    expect(Math.max(...entries.map((e) => Buffer.byteLength(e))) * 2).toBeLessThan(POLICY_MAX_BYTES);
  });

  it('accept a policy that carries the most detailed tool signatures in its catalog section', () => {
    const text = banWithCatalogOf('claude-code');
    expect(tokens(text)).toBeGreaterThan(5000);
    expect(tokens(text)).toBeLessThan(POLICY_MAX_TOKENS);
    expect(parsePolicy(Buffer.from(text), 'ban.yaml', { knownToolIds }).catalog?.map((t) => t.id)).toEqual(['claude-code']);
  });

  it('name the byte cap when a file is over it', () => {
    const err = rejection(`${'#'.repeat(POLICY_MAX_BYTES)}\n`, 'big.yaml');
    expect(err.code).toBe('policy-invalid');
    expect(err.message).toBe(`file is ${POLICY_MAX_BYTES + 1} bytes; a policy may be at most ${POLICY_MAX_BYTES} bytes (128 KiB)`);
  });

  it('name the token cap and the line where it was passed', () => {
    const err = rejection(`apiVersion: cordon/v1\nx:\n${'- 0\n'.repeat(POLICY_MAX_TOKENS)}`, 'many.yaml');
    expect(err.code).toBe('policy-invalid');
    expect(err.message).toContain(`more than ${POLICY_MAX_TOKENS} YAML tokens`);
    expect(err.details.where).toMatch(/^many\.yaml:\d{4}$/);
  });

  it('count brackets inside quoted strings and comments as text, not nesting', () => {
    const text = `apiVersion: cordon/v1\nx: '${'['.repeat(40)}'\ny: "${'{'.repeat(40)}"\n# ${'['.repeat(40)}\n`;
    expect(rejection(text, 'quoted.yaml').message).toContain(NO_ID);
  });
});

const NO_ID = 'missing required field "id"';

describe.each(HOSTILE_SHAPES.map((s) => [s.name, s] as const))('the hostile shape %s', (_name, shape) => {
  const file = shape.json ? 'hostile.json' : 'hostile.yaml';
  const n = largestWithinCaps(shape);

  it(`(${shape.attack}) is refused with its own error at the largest size the caps let through`, () => {
    const err = rejection(shape.make(n), file);
    expect(err.code).toBe(shape.code);
    expect(err.message).toContain(shape.message);
    expect(String(err.details.where)).toMatch(new RegExp(`^${file}(:\\d+){0,2}$`));
  });

  it('is refused by a cap before any parsing one repetition later', () => {
    const err = rejection(shape.make(n + 1), file);
    expect(err.code).toBe('policy-invalid');
    expect(err.message).toMatch(new RegExp(`at most ${POLICY_MAX_BYTES} bytes|more than ${POLICY_MAX_TOKENS} YAML tokens|nested more than 32 levels`));
  });
});
