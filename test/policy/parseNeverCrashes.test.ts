// Property: whatever bytes arrive, the loader returns a Policy or throws CordonError, never anything else.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { CordonError } from '../../agent/common/errors.js';
import { parsePolicy } from '../../agent/core/policy/parse.js';
import { goodPolicyJson, goodPolicyYaml } from './support.js';

const knownToolIds = ['claude-code', 'claude-code-ide', 'claude-desktop'];

function outcome(bytes: Buffer, file: string): 'policy' | 'rejected' {
  try {
    const policy = parsePolicy(bytes, file, { knownToolIds });
    expect(policy.apiVersion).toBe('cordon/v1');
    return 'policy';
  } catch (err) {
    if (err instanceof CordonError) {
      expect(['policy-parse', 'policy-invalid']).toContain(err.code);
      expect(String(err.details.where)).toContain(file);
      return 'rejected';
    }
    throw err;
  }
}

describe('parsePolicy never crashes', () => {
  it('on random bytes, as YAML and as JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.constantFrom('p.yaml', 'p.json'), (bytes, file) => {
        outcome(Buffer.from(bytes), file);
      }),
      { numRuns: 300 },
    );
  });

  it('on random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        outcome(Buffer.from(JSON.stringify(value) ?? 'null'), 'p.json');
        outcome(Buffer.from(stringify(value)), 'p.yaml');
      }),
      { numRuns: 300 },
    );
  });

  it('on the good policy with random bytes overwritten, inserted or cut', () => {
    const mutate = (base: Buffer) =>
      fc
        .tuple(fc.nat({ max: base.length - 1 }), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.constantFrom('overwrite', 'insert', 'cut'))
        .map(([at, bytes, how]) => {
          const chunk = Buffer.from(bytes);
          if (how === 'overwrite') return Buffer.concat([base.subarray(0, at), chunk, base.subarray(at + chunk.length)]);
          if (how === 'insert') return Buffer.concat([base.subarray(0, at), chunk, base.subarray(at)]);
          return base.subarray(0, at);
        });
    fc.assert(
      fc.property(mutate(goodPolicyYaml), (bytes) => void outcome(bytes, 'p.yaml')),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(mutate(goodPolicyJson), (bytes) => void outcome(bytes, 'p.json')),
      { numRuns: 300 },
    );
  });

  it('on the good policy with random values put into random fields', () => {
    const doc = JSON.parse(goodPolicyJson.toString('utf8')) as Record<string, unknown>;
    const keys = [...Object.keys(doc), 'catalog', 'exemptions', 'surprise'];
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.jsonValue({ maxDepth: 4 }), (key, value) => {
        const result = outcome(Buffer.from(JSON.stringify({ ...doc, [key]: value })), 'p.json');
        if (key === 'surprise') expect(result).toBe('rejected');
      }),
      { numRuns: 300 },
    );
  });

  it('still reads the unmodified good policy in both formats', () => {
    expect(outcome(goodPolicyYaml, 'p.yaml')).toBe('policy');
    expect(outcome(goodPolicyJson, 'p.json')).toBe('policy');
  });
});
