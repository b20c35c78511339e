// Checks a policy document against policies/policy.schema.json; core/schemaErrors words what does not fit.
import type { ValidateFunction } from 'ajv';
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

/** Compiled on first use: commands that never read a policy do not pay for it. */
let validatePolicyDocument: ValidateFunction | undefined;
function compiled(): ValidateFunction {
  if (!validatePolicyDocument) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
    addFormats.default(ajv, ['date-time']);
    ajv.addSchema(CATALOG_ENTRY_STUB);
    validatePolicyDocument = ajv.compile(policySchema);
  }
  return validatePolicyDocument;
}

/** The most useful problem of a document that does not fit the schema, or null when it fits. */
export function schemaProblem(value: unknown): SchemaProblem | null {
  const validate = compiled();
  if (validate(value)) return null;
  return problemOf(validate.errors, 'does not match the policy schema');
}
