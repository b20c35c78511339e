// Catalog entries enter as unknown and leave as typed, checked tool signatures or as a CordonError saying what and where.
import { Ajv, type ValidateFunction } from 'ajv';
import schema from '../../../policies/catalog.schema.json' with { type: 'json' };
import { CordonError } from '../../common/errors.js';
import { parseLocation } from '../detect/locations.js';
import { protectedLocationReason, protectedProcessReason } from '../protectedTargets.js';
import { formatSchemaProblem, schemaProblem } from '../schemaErrors.js';
import type { Catalog, ToolSignature } from './types.js';

/** Compiled on first use: commands that never read a catalog (`--help`, `--version`) do not pay for it. */
let validators: { tool: ValidateFunction; interpreters: ValidateFunction } | undefined;
function compiled(): { tool: ValidateFunction; interpreters: ValidateFunction } {
  if (!validators) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    ajv.addSchema(schema, 'catalog');
    validators = {
      tool: ajv.getSchema('catalog#/definitions/tool') as ValidateFunction,
      interpreters: ajv.getSchema('catalog#/definitions/interpreters') as ValidateFunction,
    };
  }
  return validators;
}

const FIX = 'Correct the entry so it follows policies/catalog.schema.json';

/** Validates a list of tool signatures (a policy's `catalog:` section, or built-in files). */
export function validateToolSignatures(value: unknown, where: string): ToolSignature[] {
  if (!Array.isArray(value)) throw invalid(where, 'must be a list of tool signatures');
  const tools = value.map((doc, i) => validateToolSignature(doc, `${where}[${i}]`));
  rejectDuplicateIds(tools, () => where);
  return tools;
}

/**
 * Builds a catalog from documents: each is one tool signature or the `interpreters` list.
 * `where` names the source of all documents, or of each document in turn.
 */
export function parseCatalog(docs: unknown[], where: string | string[]): Catalog {
  const whereOf = (i: number) => (Array.isArray(where) ? (where[i] ?? `document ${i + 1}`) : `${where} document ${i + 1}`);
  const interpreters: string[] = [];
  const tools: ToolSignature[] = [];
  docs.forEach((doc, i) => {
    if (doc && typeof doc === 'object' && 'interpreters' in doc) {
      const validateInterpreters = compiled().interpreters;
      if (!validateInterpreters(doc)) throw invalid(whereOf(i), describe(validateInterpreters));
      interpreters.push(...(doc as { interpreters: string[] }).interpreters);
    } else {
      tools.push(validateToolSignature(doc, whereOf(i)));
    }
  });
  rejectDuplicateIds(tools, (i) => whereOf(i));
  return { interpreters: [...new Set(interpreters)], tools };
}

export function validateToolSignature(doc: unknown, where: string): ToolSignature {
  const validateTool = compiled().tool;
  if (!validateTool(doc)) throw invalid(where, describe(validateTool));
  const tool = doc as ToolSignature;
  checkSemantics(tool, where);
  return tool;
}

/** What the schema cannot say: regexes compile, locations parse, examples are concrete paths. */
function checkSemantics(tool: ToolSignature, where: string): void {
  const at = (field: string) => `${where} (${tool.id}) ${field}`;
  const paths: [string, string][] = [
    ...(tool.installs ?? []).map((s, i) => [`installs[${i}].path`, s.path] as [string, string]),
    ...(tool.configs ?? []).map((s, i) => [`configs[${i}].path`, s.path] as [string, string]),
  ];
  for (const [field, path] of paths) {
    if (!parseLocation(path)) throw invalid(at(field), `"${path}" is not a location (see the location syntax in the schema)`);
  }
  (tool.installs ?? []).forEach((s, i) => {
    const reason = s.role === 'evidence' ? null : s.platforms.map((p) => protectedLocationReason(s.path, p)).find((r) => r !== null);
    if (reason) throw invalid(at(`installs[${i}].path`), reason);
  });
  (tool.processes ?? []).forEach((p, i) => {
    const reason = protectedProcessReason(p);
    if (reason) throw invalid(at(`processes[${i}]`), reason);
  });
  (tool.configs ?? []).forEach((c, i) =>
    c.matchers.forEach((m, j) => {
      for (const [name, source] of [
        ['line', m.line],
        ['value', m.value],
      ] as const) {
        if (source === undefined) continue;
        try {
          new RegExp(source, m.flags ?? '');
        } catch (err) {
          throw invalid(at(`configs[${i}].matchers[${j}].${name}`), `is not a valid regular expression: ${(err as Error).message}`);
        }
      }
      if (m.key !== undefined && c.format === 'text') throw invalid(at(`configs[${i}].matchers[${j}]`), 'key matchers need format json or yaml');
    }),
  );
  const forms = new Set((tool.forms ?? []).map((f) => f.id));
  (tool.installs ?? []).forEach((s, i) => {
    if (s.form !== undefined && !forms.has(s.form))
      throw invalid(at(`installs[${i}].form`), `"${s.form}" is not one of the tool's forms (${[...forms].join(', ') || 'none declared'})`);
  });
  const examples = [...(tool.examples.installs?.match ?? []), ...(tool.examples.installs?.noMatch ?? [])];
  examples.forEach((e) => {
    if (e.path.includes('*') || !parseLocation(e.path)) throw invalid(at('examples.installs'), `"${e.path}" must be a concrete location without *`);
  });
}

function rejectDuplicateIds(tools: ToolSignature[], whereOf: (i: number) => string): void {
  const seen = new Set<string>();
  tools.forEach((t, i) => {
    if (seen.has(t.id)) throw invalid(whereOf(i), `tool id "${t.id}" is defined twice`);
    seen.add(t.id);
  });
}

function describe(validator: ValidateFunction): string {
  return formatSchemaProblem(schemaProblem(validator.errors, 'does not follow the catalog schema'));
}

function invalid(where: string, message: string): CordonError {
  return new CordonError('catalog-invalid', message, { where, fix: FIX });
}
