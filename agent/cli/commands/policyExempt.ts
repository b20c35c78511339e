// `cordon policy exempt`: turns an employee's exception request into a signed exemption policy in the policy folder,
// which the agent loads like any policy; nothing is written unless it is valid and signed by a trusted key.
import type { Command } from 'commander';
import { CordonError, EXIT } from '../../common/errors.js';
import type { ExceptionRequest } from '../../common/model.js';
import { checkReason, checkUntil } from '../../core/exceptions/requests.js';
import { commandContext } from '../context.js';
import { checkedInput, runCommand } from '../output.js';
import { askRunningAgent } from '../runningAgent.js';
import { untilFromText } from '../../common/untilDate.js';

/** Two years: an exemption is time-bound; a longer one belongs in the policy itself. */
const MAX_EXEMPTION_DAYS = 731;

interface ExemptOptions {
  request: string;
  until: string;
  key: string;
  out?: string;
  reason?: string;
  issuer: string;
}

export function registerExempt(policy: Command): void {
  policy
    .command('exempt')
    .description('grant an exception request: write a signed exemption policy into the policy folder (administrators)')
    .requiredOption('--request <id>', 'the request id from `cordon exception list`')
    .requiredOption('--until <date>', 'when the exemption ends: YYYY-MM-DD (end of that day here) or an ISO time with offset')
    .requiredOption('--key <privateKey>', 'PKCS#8 PEM private key whose public key is in trustedKeys')
    .option('--out <dir>', 'where to write the policy and its signature (default: the config policyDir)')
    .option('--reason <text>', "the exemption's reason (default: the employee's)")
    .option('--issuer <name>', 'who grants it', 'Cordon administrator')
    .action((opts: ExemptOptions, cmd: Command) =>
      runCommand(async () => {
        const { loadBuiltInCatalog } = await import('../../adapters/catalogFiles.js');
        const { readExceptionRequests } = await import('../../adapters/exceptionRequests.js');
        const { readInputFile, writeSignedPolicy } = await import('../../adapters/keys.js');
        const { exemptionPolicyFor, exemptionPolicyId } = await import('../../core/exceptions/exemptionPolicy.js');
        const { parsePolicy } = await import('../../core/policy/parse.js');
        const { signPolicy, verifyPolicySignature } = await import('../../core/policy/signature.js');
        const ctx = commandContext(cmd);
        const config = ctx.config();
        const now = new Date();
        const until = checkedInput(() => checkUntil(untilFromText(opts.until), now, MAX_EXEMPTION_DAYS));
        const reason = opts.reason === undefined ? undefined : checkedInput(() => checkReason(opts.reason as string));
        const requests: ExceptionRequest[] =
          (await askRunningAgent(config, async (client) => (await client.request('status')).exceptions ?? [])) ?? readExceptionRequests(config.stateDir);
        const request = requests.find((r) => r.id === opts.request);
        if (!request)
          throw new CordonError('not-found', `no exception request ${opts.request.slice(0, 64)}`, { fix: 'see the ids with `cordon exception list`' });
        const policy = exemptionPolicyFor(request, { until, ...(reason ? { reason } : {}), issuer: opts.issuer, now });
        const fileName = `${exemptionPolicyId(request.id)}.json`;
        const bytes = Buffer.from(`${JSON.stringify(policy, null, 2)}\n`);
        parsePolicy(bytes, fileName, { knownToolIds: loadBuiltInCatalog().tools.map((t) => t.id) });
        const sig = signPolicy(bytes, readInputFile(opts.key, 'private key file').toString('utf8'));
        const keyId = verifyPolicySignature(bytes, sig, config.trustedKeys, `${fileName}.sig`);
        const file = writeSignedPolicy(opts.out ?? config.policyDir, fileName, bytes, sig);
        const status = await askRunningAgent(config, (client) => client.request('reload')).catch(() => null);
        const after = status?.exceptions?.find((r) => r.id === request.id);
        if (ctx.out.json) ctx.out.data({ file, signature: `${file}.sig`, signedBy: keyId, policy, request: after ?? request });
        ctx.out.line(
          `wrote ${file} and its signature (key "${keyId}"): ${request.user} is exempt from ${request.rules.map((r) => `${r.policy}/${r.rule}`).join(', ')} until ${until}`,
        );
        ctx.out.line(after ? `the agent loaded it: request ${request.id} is ${after.state}` : 'the agent loads it when it next reads the policy folder');
        return EXIT.compliant;
      }),
    );
}
