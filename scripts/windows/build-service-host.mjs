// Builds the Windows service host (CordonService.cs) once, on the build machine, so installers ship it prebuilt and
// signed with the app (electron-builder signs every .exe it copies) instead of compiling it on each laptop, where
// AppLocker or WDAC may block PowerShell's Add-Type. electron-builder runs it as the `beforePack` hook; run it by hand
// with `node scripts/windows/build-service-host.mjs [OUT.exe]`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'CordonService.cs');
export const defaultHostPath = path.join(here, '..', '..', 'build', 'windows', 'CordonService.exe');

/** Windows's own C# compiler of .NET Framework 4.x (C# 5, as Add-Type), or mono's mcs elsewhere, held to C# 5 as well. */
function compiler() {
  if (process.platform === 'win32') {
    const csc = path.join(process.env.WINDIR ?? 'C:\\Windows', 'Microsoft.NET', 'Framework64', 'v4.0.30319', 'csc.exe');
    return { file: csc, args: (out) => ['/nologo', '/target:exe', '/r:System.ServiceProcess.dll', '/r:System.Core.dll', `/out:${out}`, source] };
  }
  return { file: 'mcs', args: (out) => ['-langversion:5', '-target:exe', '-r:System.ServiceProcess.dll', '-r:System.Core.dll', `-out:${out}`, source] };
}

/** Compiles the host to `out`; throws with the compiler's words when it fails or is missing. */
export function buildServiceHost(out = defaultHostPath) {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const c = compiler();
  try {
    execFileSync(c.file, c.args(out), { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (err) {
    const words = `${err.stdout ?? ''}${err.stderr ?? ''}`.trim() || err.message;
    throw new Error(
      `cannot build the Windows service host with ${c.file} (on Debian: apt-get install mono-mcs libmono-system-serviceprocess4.0-cil): ${words}`,
      {
        cause: err,
      },
    );
  }
  return out;
}

/** The beforePack hook: only a Windows package carries the host. */
export default async function beforePack(context) {
  if (context.electronPlatformName === 'win32') buildServiceHost();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.stdout.write(`${buildServiceHost(process.argv[2] ? path.resolve(process.argv[2]) : defaultHostPath)}\n`);
