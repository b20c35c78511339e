// `cordon policy validate|keygen|sign|verify|reload|reset-clock|exempt`: what an admin needs to write, sign, check and apply a
// policy, and to clear a suspect clock mark.
import type { Command } from 'commander';
import { CordonError, exitCodeOfStatus } from '../../common/errors.js';
import { commandContext } from '../context.js';
import { askRunningAgent } from '../runningAgent.js';
import { EXIT, runCommand } from '../output.js';
import { registerExempt } from './policyExempt.js';

function registerValidate(policy: Command): void {
  policy
    .command('validate')
    .description('check a policy file against the schema and the semantic rules (phases, tools, exemptions)')
    .argument('<file>', 'policy file (.yaml, .yml or .json)')
    .action((file: string, _opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const { loadBuiltInCatalog } = await import('../../adapters/catalogFiles.js');
        const { readInputFile } = await import('../../adapters/keys.js');
        const { parsePolicy } = await import('../../core/policy/parse.js');
        const { out } = commandContext(cmd);
        const catalog = loadBuiltInCatalog();
        const p = parsePolicy(readInputFile(file, 'policy file'), file, { knownToolIds: catalog.tools.map((t) => t.id) });
        if (out.json) out.data({ valid: true, file, id: p.id, version: p.version, rules: p.rules.map((r) => r.id), tools: (p.catalog ?? []).map((t) => t.id) });
        out.line(
          `${file}: valid policy "${p.id}" version ${p.version}, ${p.rules.length} rule${p.rules.length === 1 ? '' : 's'}${p.catalog?.length ? `, ${p.catalog.length} policy-defined tool(s)` : ''}`,
        );
        return EXIT.compliant;
      }),
    );
}

function registerKeygen(policy: Command): void {
  policy
    .command('keygen')
    .description('write an Ed25519 key pair: <name>.key.pem (PKCS#8, mode 0600) and <name>.pub.pem (SPKI) for trustedKeys')
    .requiredOption('--out <dir>', 'folder for the key files')
    .option('--name <name>', 'file name stem', 'policy-signing')
    .option('--id <id>', 'key id for trustedKeys (default: name and fingerprint)')
    .action((opts: { out: string; name: string; id?: string }, cmd: Command) =>
      runCommand(async () => {
        const { writePolicyKeyPair } = await import('../../adapters/keys.js');
        const { out } = commandContext(cmd);
        const written = writePolicyKeyPair(opts.out, opts.name, opts.id);
        const snippet = { trustedKeys: [{ id: written.id, publicKey: written.publicKeyPem }] };
        if (out.json) out.data({ privateKeyFile: written.privateKeyFile, publicKeyFile: written.publicKeyFile, ...snippet });
        out.line(`private key: ${written.privateKeyFile} (mode 0600; keep it offline, never ship it)`);
        out.line(`public key:  ${written.publicKeyFile}`);
        out.line('add this to the agent config on every machine:');
        out.line(JSON.stringify(snippet, null, 2));
        return EXIT.compliant;
      }),
    );
}

function registerSign(policy: Command): void {
  policy
    .command('sign')
    .description("write FILE.sig: the base64 Ed25519 signature of the file's exact bytes")
    .argument('<file>', 'policy file')
    .requiredOption('--key <privateKey>', 'PKCS#8 PEM private key from `cordon policy keygen`')
    .action((file: string, opts: { key: string }, cmd: Command) =>
      runCommand(async () => {
        const { signPolicyFile } = await import('../../adapters/keys.js');
        const { out } = commandContext(cmd);
        const sigFile = signPolicyFile(file, opts.key);
        if (out.json) out.data({ file, signature: sigFile });
        out.line(`signed ${file} -> ${sigFile}`);
        return EXIT.compliant;
      }),
    );
}

function registerVerify(policy: Command): void {
  policy
    .command('verify')
    .description('check FILE.sig against the trustedKeys of the agent config')
    .argument('<file>', 'policy file')
    .action((file: string, _opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const { readInputFile } = await import('../../adapters/keys.js');
        const { verifyPolicySignature } = await import('../../core/policy/signature.js');
        const { out, config } = commandContext(cmd);
        const bytes = readInputFile(file, 'policy file');
        const sigFile = `${file}.sig`;
        let sig: string;
        try {
          sig = readInputFile(sigFile, 'signature file').toString('utf8');
        } catch (err) {
          throw new CordonError(
            'signature-missing',
            'no signature file beside the policy',
            { where: sigFile, fix: 'sign it with `cordon policy sign FILE --key KEY`' },
            err,
          );
        }
        const keyId = verifyPolicySignature(bytes, sig, config().trustedKeys, sigFile);
        if (out.json) out.data({ valid: true, file, signedBy: keyId });
        out.line(`${file}: good signature by trusted key "${keyId}"`);
        return EXIT.compliant;
      }),
    );
}

/** The agent reloads on every change in the policy folder; this applies a release now and shows what it made of it. */
function registerReload(policy: Command): void {
  policy
    .command('reload')
    .description('make the running agent load the policy folder now (administrators)')
    .action((_opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const ctx = commandContext(cmd);
        const config = ctx.config();
        const status = await askRunningAgent(config, (client) => client.request('reload'));
        if (!status) {
          throw new CordonError('daemon-unavailable', 'no agent answers on the admin socket', {
            where: config.adminSocketPath,
            fix: 'start it with `cordon run` or the system service, and run this as root',
          });
        }
        if (ctx.out.json) ctx.out.data(status);
        else {
          for (const p of status.policies) ctx.out.line(`in force: ${p.id} v${p.version} from ${p.file}${p.lastKnownGood ? ' (last-known-good copy)' : ''}`);
          if (status.policies.length === 0) ctx.out.line('no policy is in force');
          for (const e of status.policyErrors) ctx.out.line(`rejected: ${e.file}: ${e.message} [${e.code}]`);
        }
        return exitCodeOfStatus(status);
      }),
    );
}

function registerResetClock(policy: Command): void {
  policy
    .command('reset-clock')
    .description('set the trusted-time mark to the system clock (after checking the clock), clearing a clock-suspect warning')
    .action((_opts: unknown, cmd: Command) =>
      runCommand(async () => {
        const { clockFile, resetTrustedTime } = await import('../../adapters/trustedTime.js');
        const { out, config } = commandContext(cmd);
        const { stateDir } = config();
        const now = new Date();
        if (!resetTrustedTime(stateDir, now)) {
          throw new CordonError('forbidden', 'resetting the trusted-time mark needs an administrator', {
            where: clockFile(stateDir),
            fix: 'run it as root, e.g. with sudo',
          });
        }
        if (out.json) out.data({ reset: true, highWater: now.toISOString() });
        out.line(`trusted-time mark set to ${now.toISOString()}; the agent uses it at its next evaluation`);
        return EXIT.compliant;
      }),
    );
}

export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description('validate, sign and verify policy files; make signing keys; reload the agent; reset the trusted-time mark');
  registerValidate(policy);
  registerKeygen(policy);
  registerSign(policy);
  registerVerify(policy);
  registerReload(policy);
  registerResetClock(policy);
  registerExempt(policy);
}
