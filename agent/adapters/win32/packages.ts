// Removes an MSIX package the way Windows supports (Remove-AppxPackage for every user), never by moving its folder.
import type { PackageRemover } from '../../ports/index.js';
import { POWERSHELL, encodedCommand } from '../processes/win32/wmi.js';
import { runProgram, type Runner } from '../processes/win32/killer.js';

/** A package full name as Windows forms it: letters, digits, dots, dashes and the underscores between its fields. */
const PACKAGE_FULL_NAME = /^[A-Za-z0-9.-]+(_[A-Za-z0-9.~-]*){4}$/;

/**
 * Removes the package for all users (Microsoft Learn, Remove-AppxPackage: -AllUsers needs an elevated session, which
 * the service is); prints `gone` when no user has it any more, so a second run is not a failure.
 */
export function removeAppxScript(name: string): string {
  if (!PACKAGE_FULL_NAME.test(name)) throw new Error(`${JSON.stringify(name)} is not an MSIX package full name`);
  return `$ErrorActionPreference = 'Stop'
$p = Get-AppxPackage -AllUsers | Where-Object { $_.PackageFullName -eq '${name}' }
if (-not $p) { [Console]::Out.WriteLine('gone'); exit 0 }
Remove-AppxPackage -Package '${name}' -AllUsers
[Console]::Out.WriteLine('removed')`;
}

export function createMsixRemover(run: Runner = runProgram, powershell = POWERSHELL): PackageRemover {
  return {
    async remove(pkg) {
      const r = await run(powershell, encodedCommand(removeAppxScript(pkg.name)));
      if (r.code !== 0) throw new Error(`Remove-AppxPackage failed (exit code ${r.code ?? 'none'}): ${r.stderr.trim().slice(0, 400)}`);
      return r.stdout.trim() === 'gone' ? `Remove-AppxPackage: ${pkg.name} was no longer installed` : `Remove-AppxPackage -Package ${pkg.name} -AllUsers`;
    },
  };
}
