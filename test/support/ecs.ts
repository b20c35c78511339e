// Checks a document against the official ECS field definitions (@elastic/ecs): known fields, types, allowed values, category/type pairs.
import { EcsFlat } from '@elastic/ecs';

type FieldDef = { type: string; allowed_values?: { name: string; expected_event_types?: string[] }[]; normalize?: string[] };
const flat = EcsFlat as unknown as Record<string, FieldDef>;

function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = value;
  return out;
}

/** Problems of one ECS document: unknown fields, wrong types, values outside the allowed lists, types a category does not expect. */
export function ecsProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const fields = flatten(doc);
  for (const name of ['@timestamp', 'ecs.version', 'event.kind', 'event.category', 'event.type']) if (!(name in fields)) problems.push(`missing ${name}`);
  for (const [name, value] of Object.entries(fields)) {
    if (name.startsWith('cordon.')) continue;
    const def = flat[name];
    if (!def) {
      problems.push(`${name} is not an ECS field`);
      continue;
    }
    const values = Array.isArray(value) ? value : [value];
    if (Array.isArray(value) && !def.normalize?.includes('array')) problems.push(`${name} is not an array field`);
    for (const v of values) {
      if (['keyword', 'constant_keyword', 'wildcard', 'match_only_text', 'text'].includes(def.type) && typeof v !== 'string')
        problems.push(`${name}: ${JSON.stringify(v)} is not a string`);
      if (['long', 'integer'].includes(def.type) && !Number.isInteger(v)) problems.push(`${name}: ${JSON.stringify(v)} is not an integer`);
      if (def.type === 'date' && (typeof v !== 'string' || Number.isNaN(Date.parse(v)))) problems.push(`${name}: ${JSON.stringify(v)} is not a date`);
      if (def.allowed_values && !def.allowed_values.some((a) => a.name === v)) problems.push(`${name}: ${JSON.stringify(v)} is not an allowed value`);
    }
  }
  const categories = (fields['event.category'] as string[] | undefined) ?? [];
  const expected = new Set(categories.flatMap((c) => flat['event.category']?.allowed_values?.find((a) => a.name === c)?.expected_event_types ?? []));
  for (const t of (fields['event.type'] as string[] | undefined) ?? [])
    if (!expected.has(t)) problems.push(`event.type ${t} is not expected for categories ${categories.join(', ')}`);
  return problems;
}
