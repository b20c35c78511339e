// Who is at the other end of a Unix socket, on Linux, without a native addon: the kernel's sock_diag netlink interface
// names an accepted socket's peer (UNIX_DIAG_PEER) and that peer socket's owner (UNIX_DIAG_UID, Linux 5.3+), as `ss -xe`
// shows them. A connection is then known from its first byte, so no user can hold connections unnamed.
import fs from 'node:fs';
import type net from 'node:net';
import { createRequire } from 'node:module';

/*
 * Layouts from the kernel's UAPI headers (linux/netlink.h, linux/sock_diag.h, linux/unix_diag.h), little-endian:
 *   struct nlmsghdr      { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }                                    16 bytes
 *   struct unix_diag_req { u8 family; u8 protocol; u16 pad; u32 states; u32 ino; u32 show; u32 cookie[2]; }       24 bytes
 *   struct unix_diag_msg { u8 family; u8 type; u8 state; u8 pad; u32 ino; u32 cookie[2]; }                         16 bytes
 * followed by attributes { u16 len; u16 type; data } aligned to 4 bytes.
 */
export const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLMSG_ERROR = 2;
const NLM_F_REQUEST = 1;
const AF_UNIX = 1;
export const UDIAG_SHOW_PEER = 0x04;
export const UDIAG_SHOW_UID = 0x40;
const UNIX_DIAG_PEER = 2;
const UNIX_DIAG_UID = 7;
const NLMSG_HDRLEN = 16;
const DIAG_MSG_LEN = 16;
/** A query the kernel has not answered by then counts as unanswered: the connection proves itself with `hello` instead. */
const QUERY_TIMEOUT_MS = 1_000;

export function diagRequest(seq: number, ino: number, show: number): Buffer {
  const buf = Buffer.alloc(NLMSG_HDRLEN + 24);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  buf.writeUInt16LE(NLM_F_REQUEST, 6);
  buf.writeUInt32LE(seq, 8);
  buf.writeUInt8(AF_UNIX, 16);
  buf.writeUInt32LE(0xffffffff, 20);
  buf.writeUInt32LE(ino >>> 0, 24);
  buf.writeUInt32LE(show, 28);
  // INET_DIAG_NOCOOKIE: the socket is named by its inode alone.
  buf.writeUInt32LE(0xffffffff, 32);
  buf.writeUInt32LE(0xffffffff, 36);
  return buf;
}

export interface DiagReply {
  seq: number;
  /** The kernel's errno for this query (the socket is gone, or sock_diag knows no Unix sockets). */
  errno?: number;
  ino?: number;
  peer?: number;
  uid?: number;
}

/** The replies in one datagram; anything malformed ends the walk. */
export function parseDiagReplies(buf: Buffer): DiagReply[] {
  const out: DiagReply[] = [];
  let at = 0;
  while (at + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDRLEN || at + len > buf.length) break;
    const type = buf.readUInt16LE(at + 4);
    const seq = buf.readUInt32LE(at + 8);
    if (type === NLMSG_ERROR && len >= NLMSG_HDRLEN + 4) out.push({ seq, errno: -buf.readInt32LE(at + NLMSG_HDRLEN) });
    else if (type === SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + DIAG_MSG_LEN) {
      const reply: DiagReply = { seq, ino: buf.readUInt32LE(at + NLMSG_HDRLEN + 4) };
      for (let a = at + NLMSG_HDRLEN + DIAG_MSG_LEN; a + 4 <= at + len;) {
        const alen = buf.readUInt16LE(a);
        if (alen < 4 || a + alen > at + len) break;
        const atype = buf.readUInt16LE(a + 2);
        if (alen >= 8 && atype === UNIX_DIAG_PEER) reply.peer = buf.readUInt32LE(a + 4);
        if (alen >= 8 && atype === UNIX_DIAG_UID) reply.uid = buf.readUInt32LE(a + 4);
        a += (alen + 3) & ~3;
      }
      out.push(reply);
    }
    at += (len + 3) & ~3;
  }
  return out;
}

interface RawSocket {
  on(event: 'message', fn: (msg: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  send(msg: Uint8Array, options: object, cb: (err?: Error) => void): void;
  close(): void;
}

/** The uid that owns a connection's peer socket, or null when the kernel cannot say (the caller proves itself otherwise). */
export type UnixPeerUid = (socket: net.Socket) => Promise<number | null>;

/** Null where sock_diag cannot be opened (not Linux, or no netlink binding). */
export function createUnixPeerReader(): (UnixPeerUid & { close(): void }) | null {
  let nl: RawSocket;
  try {
    const { RawNetlinkSocket } = createRequire(import.meta.url)('netlink/dist/raw.js') as { RawNetlinkSocket: new (protocol: number, o: object) => RawSocket };
    nl = new RawNetlinkSocket(NETLINK_SOCK_DIAG, { messagePeeking: false, msgBufferSize: 8192 });
  } catch {
    return null;
  }
  let seq = 0;
  const waiting = new Map<number, (r: DiagReply | null) => void>();
  nl.on('message', (msg) => {
    for (const r of parseDiagReplies(msg)) {
      const done = waiting.get(r.seq);
      waiting.delete(r.seq);
      done?.(r);
    }
  });
  nl.on('error', () => {
    for (const done of waiting.values()) done(null);
    waiting.clear();
  });
  const ask = (ino: number, show: number): Promise<DiagReply | null> =>
    new Promise((resolve) => {
      seq = (seq + 1) >>> 0 || 1;
      const mine = seq;
      const timer = setTimeout(() => {
        waiting.delete(mine);
        resolve(null);
      }, QUERY_TIMEOUT_MS);
      timer.unref();
      waiting.set(mine, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      const fail = (): void => {
        waiting.delete(mine);
        clearTimeout(timer);
        resolve(null);
      };
      try {
        nl.send(diagRequest(mine, ino, show), {}, (err) => {
          if (err) fail();
        });
      } catch {
        // Closed with the server.
        fail();
      }
    });
  const reader = async (socket: net.Socket): Promise<number | null> => {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return null;
    let ino: number;
    try {
      ino = fs.fstatSync(fd).ino;
    } catch {
      return null;
    }
    const mine = await ask(ino, UDIAG_SHOW_PEER);
    if (mine?.peer === undefined) return null;
    const peer = await ask(mine.peer, UDIAG_SHOW_UID);
    return peer?.uid ?? null;
  };
  return Object.assign(reader, {
    close: () => {
      try {
        nl.close();
      } catch {
        // Already closed by an error.
      }
    },
  });
}
