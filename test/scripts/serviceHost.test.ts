// The Windows service host compiled for real: at C# 5 (the language Add-Type takes in Windows PowerShell 5.1) by mono's
// mcs on Linux (Debian's mono-mcs), and by .NET Framework's own csc on a Windows runner; macOS runners have neither.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import beforePack, { buildServiceHost, defaultHostPath } from '../../scripts/windows/build-service-host.mjs';

describe('the Windows service host', () => {
  it.skipIf(process.platform === 'darwin')('compiles into a .NET executable, or the build says which compiler failed and why', () => {
    const out = buildServiceHost(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-host-')), 'CordonService.exe'));
    // A PE file ("MZ") whose CLI header the .NET Framework 4 loader runs.
    expect(fs.readFileSync(out).subarray(0, 2).toString('latin1')).toBe('MZ');
  });

  it('is built by the packaging hook only for a Windows package', async () => {
    const stamp = (): number | null => (fs.existsSync(defaultHostPath) ? fs.statSync(defaultHostPath).mtimeMs : null);
    const before = stamp();
    await beforePack({ electronPlatformName: 'linux' });
    await beforePack({ electronPlatformName: 'darwin' });
    expect(stamp()).toBe(before);
  });
});
