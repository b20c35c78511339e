// File names as bytes end to end: a name that is not UTF-8 is carried in a string with each stray byte escaped
// as a lone surrogate (U+DC80 + byte, as Python's surrogateescape), and turned back into the same bytes for every
// system call. Valid UTF-8 never decodes to a lone surrogate, so the escape is unambiguous.
import fs from 'node:fs';

const strict = new TextDecoder('utf-8', { fatal: true });
const ESCAPED = /[\udc80-\udcff]/;

function validUtf8(bytes: Uint8Array): string | null {
  try {
    return strict.decode(bytes);
  } catch {
    return null;
  }
}

/** The string for a name read as bytes: itself when it is UTF-8, else with its stray bytes escaped. */
export function decodeName(bytes: Buffer): string {
  const whole = validUtf8(bytes);
  if (whole !== null) return whole;
  let out = '';
  for (let i = 0; i < bytes.length;) {
    let taken = 0;
    for (let len = 1; len <= 4 && i + len <= bytes.length && taken === 0; len++) {
      const s = validUtf8(bytes.subarray(i, i + len));
      if (s !== null && [...s].length === 1) {
        out += s;
        taken = len;
      }
    }
    if (taken === 0) {
      out += String.fromCharCode(0xdc00 + bytes[i]!);
      taken = 1;
    }
    i += taken;
  }
  return out;
}

/** The path to hand to the OS: the string itself, or the exact bytes when it carries escaped ones. */
export function osPath(p: string): string | Buffer {
  if (!ESCAPED.test(p)) return p;
  const parts: Buffer[] = [];
  let run = '';
  for (const ch of p) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xdc80 && code <= 0xdcff) {
      parts.push(Buffer.from(run, 'utf8'), Buffer.from([code - 0xdc00]));
      run = '';
    } else run += ch;
  }
  parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** readdir that keeps every name, UTF-8 or not. */
export function readdirNames(dir: string): string[] {
  return fs.readdirSync(osPath(dir), { encoding: 'buffer' }).map(decodeName);
}

/** Async readdir that keeps every name, UTF-8 or not. */
export async function readdirNamesAsync(dir: string): Promise<string[]> {
  return (await fs.promises.readdir(osPath(dir), { encoding: 'buffer' })).map(decodeName);
}

/** readlink whose target keeps its exact bytes. */
export async function readlinkExact(p: string): Promise<string> {
  return decodeName(await fs.promises.readlink(osPath(p), { encoding: 'buffer' }));
}
