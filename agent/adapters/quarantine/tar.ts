// A small POSIX tar (ustar + pax for long names) writer, so a user's data can be handed back as an ordinary archive.
import { osPath } from '../byteNames.js';

export interface TarEntry {
  /** Path inside the archive, `/`-separated, no leading `/`. */
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  /** Nanoseconds since the epoch (whole seconds in the ustar field, the exact time in a pax record). */
  mtimeNs: bigint;
  size: number;
  linkTarget?: string;
}

const BLOCK = 512;
/** Largest values the fixed-width octal fields hold; beyond them a pax record carries the value. */
const MAX_ID = 0o7777777;
const MAX_SIZE = 0o77777777777;

/** Two zero blocks end an archive. */
export const TAR_END = Buffer.alloc(BLOCK * 2);

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** One pax record; a name keeps its exact bytes (pax allows names that are not UTF-8). */
function paxRecord(key: string, value: string): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.from(osPath(value)), Buffer.from('\n')]);
  let length = body.length;
  while (String(length).length + body.length !== length) length = String(length).length + body.length;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

function header(name: string, typeflag: string, fields: { mode: number; uid: number; gid: number; size: number; mtime: number; linkname: string }): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(fields.mode & 0o7777, 8), 100, 'ascii');
  block.write(octal(Math.min(fields.uid, MAX_ID), 8), 108, 'ascii');
  block.write(octal(Math.min(fields.gid, MAX_ID), 8), 116, 'ascii');
  block.write(octal(Math.min(fields.size, MAX_SIZE), 12), 124, 'ascii');
  block.write(octal(Math.max(0, Math.floor(fields.mtime)), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(typeflag, 156, 'ascii');
  block.write(fields.linkname, 157, 100, 'utf8');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

/** Zero bytes that round a member's data up to a whole block. */
export function tarPadding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The header block(s) of one member: a pax header first when a name, link, id or size does not fit ustar. */
export function tarHeader(entry: TarEntry): Buffer {
  const name = entry.type === 'dir' ? `${entry.name.replace(/\/$/, '')}/` : entry.name;
  const linkname = entry.linkTarget ?? '';
  const size = entry.type === 'file' ? entry.size : 0;
  const pax: Buffer[] = [];
  if (Buffer.byteLength(name) > 100 || /[^\x20-\x7e]/.test(name)) pax.push(paxRecord('path', name));
  if (Buffer.byteLength(linkname) > 100 || /[^\x20-\x7e]/.test(linkname)) pax.push(paxRecord('linkpath', linkname));
  if (entry.uid > MAX_ID) pax.push(paxRecord('uid', String(entry.uid)));
  if (entry.gid > MAX_ID) pax.push(paxRecord('gid', String(entry.gid)));
  if (size > MAX_SIZE) pax.push(paxRecord('size', String(size)));
  const seconds = entry.mtimeNs / 1_000_000_000n;
  const fraction = entry.mtimeNs % 1_000_000_000n;
  if (fraction !== 0n) pax.push(paxRecord('mtime', `${seconds}.${fraction.toString().padStart(9, '0')}`));
  const mtime = Number(seconds);
  const typeflag = entry.type === 'file' ? '0' : entry.type === 'dir' ? '5' : '2';
  const main = header(name, typeflag, { mode: entry.mode, uid: entry.uid, gid: entry.gid, size, mtime, linkname });
  if (pax.length === 0) return main;
  const body = Buffer.concat(pax);
  const paxHeader = header(`PaxHeader/${name}`.slice(0, 99), 'x', { mode: 0o644, uid: 0, gid: 0, size: body.length, mtime, linkname: '' });
  return Buffer.concat([paxHeader, body, tarPadding(body.length), main]);
}
