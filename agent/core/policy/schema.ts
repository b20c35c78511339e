// Checks a policy document against policies/policy.schema.json; core/schemaErrors words what does not fit.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { default as addFormats } from 'ajv-formats';
import policySchema from '../../../policies/policy.schema.json' with { type: 'json' };
import { schemaProblem as problemOf, type SchemaProblem } from '../schemaErrors.js';

/** Tool entries are checked by the catalog's own validator (validateToolSignatures); the schema only needs objects here. */
const CATALOG_ENTRY_STUB = {
  $id: new URL('catalog.schema.json', policySchema.$id).href,
  description: 'One tool signature; validated in full by the catalog validator.',
  type: 'object',
};

const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
addFormats.default(ajv, ['date-time']);
ajv.addSchema(CATALOG_ENTRY_STUB);
const validatePolicyDocument = ajv.compile(policySchema);

/** The most useful problem of a document that does not fit the schema, or null when it fits. */
export function schemaProblem(value: unknown): SchemaProblem | null {
  if (validatePolicyDocument(value)) return null;
  return problemOf(validatePolicyDocument.errors, 'does not match the policy schema');
}
