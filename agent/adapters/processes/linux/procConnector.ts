// Linux exec events from the kernel's proc connector (netlink), so a new process is seen when it starts, not at the next poll.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { ProcessInfo } from '../../../common/model.js';
import type { EventSourceState, ProcessEventHandlers, ProcessEventSource } from '../../../ports/index.js';

/*
 * Layouts from the kernel's UAPI headers (linux/netlink.h, linux/connector.h, linux/cn_proc.h), little-endian:
 *   struct nlmsghdr  { u32 nlmsg_len; u16 nlmsg_type; u16 nlmsg_flags; u32 nlmsg_seq; u32 nlmsg_pid; }      16 bytes
 *   struct cn_msg    { u32 idx; u32 val; u32 seq; u32 ack; u16 len; u16 flags; u8 data[]; }                 20 bytes
 *   struct proc_event{ u32 what; u32 cpu; u64 timestamp_ns (aligned 8 within the struct); union event_data; }
 * event_data starts 16 bytes into proc_event; exec and exit both begin with { pid_t process_pid; pid_t process_tgid; },
 * and ack with { u32 err; }.
 */
export const NETLINK_CONNECTOR = 11;
export const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_EVENT_NONE = 0;
export const PROC_EVENT_EXEC = 0x2;
export const PROC_EVENT_EXIT = 0x80000000;
const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
const PROC_EVENT_DATA = 16;
/** /proc/self/ns/pid of the initial pid namespace (PROC_PID_INIT_INO in include/linux/proc_ns.h). */
const INIT_PID_NS_INODE = 0xeffffffc;
const CAP_NET_ADMIN = 12;
/** The kernel acknowledges PROC_CN_MCAST_LISTEN at once; no answer means it ignored the request (another namespace). */
const ACK_TIMEOUT_MS = 1_000;
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

export type ProcConnectorEvent = { kind: 'exec'; pid: number } | { kind: 'exit'; pid: number } | { kind: 'ack'; err: number };

/**
 * The netlink message that subscribes a socket bound to `port` to process events: all of them, or with `events` (a
 * mask of PROC_EVENT_*) only those. The mask is the kernel's event filter (`struct proc_input`, Linux 6.6+); an older
 * kernel ignores the longer request without an answer, and a filtered socket no longer receives the acknowledgement
 * (its `what` is PROC_EVENT_NONE), so the agent subscribes to everything first (acknowledged) and narrows afterwards.
 */
export function listenRequest(port: number, seq: number, events?: number): Buffer {
  const payload = events === undefined ? 4 : 8;
  const buf = Buffer.alloc(NLMSG_HDRLEN + CN_MSG_LEN + payload);
  buf.writeUInt32LE(buf.length, 0);
  buf.writeUInt16LE(NLMSG_DONE, 4);
  buf.writeUInt16LE(0, 6);
  buf.writeUInt32LE(seq, 8);
  buf.writeUInt32LE(port, 12);
  buf.writeUInt32LE(CN_IDX_PROC, 16);
  buf.writeUInt32LE(CN_VAL_PROC, 20);
  buf.writeUInt32LE(seq, 24);
  buf.writeUInt32LE(0, 28);
  buf.writeUInt16LE(payload, 32);
  buf.writeUInt16LE(0, 34);
  buf.writeUInt32LE(PROC_CN_MCAST_LISTEN, 36);
  if (events !== undefined) buf.writeUInt32LE(events >>> 0, 40);
  return buf;
}

/**
 * The events in one datagram (it may hold several netlink messages). Only process-level events are returned: an exec
 * or exit of a thread other than the leader (pid ≠ tgid) is not a new program. Anything malformed is skipped.
 */
export function parseProcEvents(buf: Buffer): ProcConnectorEvent[] {
  const out: ProcConnectorEvent[] = [];
  let at = 0;
  while (at + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len < NLMSG_HDRLEN || at + len > buf.length) break;
    const cn = at + NLMSG_HDRLEN;
    if (len >= NLMSG_HDRLEN + CN_MSG_LEN + PROC_EVENT_DATA + 8 && buf.readUInt32LE(cn) === CN_IDX_PROC && buf.readUInt32LE(cn + 4) === CN_VAL_PROC) {
      const ev = cn + CN_MSG_LEN;
      const what = buf.readUInt32LE(ev);
      const data = ev + PROC_EVENT_DATA;
      if (what === PROC_EVENT_NONE) out.push({ kind: 'ack', err: buf.readUInt32LE(data) });
      else if (what === PROC_EVENT_EXEC || what === PROC_EVENT_EXIT) {
        const pid = buf.readInt32LE(data);
        const tgid = buf.readInt32LE(data + 4);
        if (pid === tgid && pid > 0) out.push({ kind: what === PROC_EVENT_EXEC ? 'exec' : 'exit', pid });
      }
    }
    at += (len + 3) & ~3;
  }
  return out;
}

/** Why the proc connector cannot work for this process, or null when it may (the kernel's answer decides). */
export function procConnectorUnavailable(procDir = '/proc'): string | null {
  let ns: string;
  try {
    ns = fs.readlinkSync(`${procDir}/self/ns/pid`);
  } catch {
    return `cannot read ${procDir}/self/ns/pid`;
  }
  if (ns !== `pid:[${INIT_PID_NS_INODE}]`)
    return `the agent runs in a private pid namespace (${ns}); the kernel reports process events only to the initial one`;
  let status: string;
  try {
    status = fs.readFileSync(`${procDir}/self/status`, 'utf8');
  } catch {
    return `cannot read ${procDir}/self/status`;
  }
  const capEff = /^CapEff:\s+([0-9a-f]+)/m.exec(status)?.[1];
  if (!capEff || (BigInt(`0x${capEff}`) & (1n << BigInt(CAP_NET_ADMIN))) === 0n) return 'the agent lacks CAP_NET_ADMIN (run it as root)';
  return null;
}

interface RawSocket {
  on(event: 'message', fn: (msg: Buffer) => void): unknown;
  on(event: 'error', fn: (err: Error & { code?: string }) => void): unknown;
  send(msg: Uint8Array, options: object, cb: (err?: Error) => void): void;
  address(): { port: number };
  close(): void;
}

/** `readProcess` reads a process named by an exec event (the /proc reader's full read, skipping what `wants` refuses). */
export function createProcConnectorSource(opts: { readProcess(pid: number, wants?: (proc: ProcessInfo) => boolean): ProcessInfo | null }): ProcessEventSource {
  let socket: RawSocket | null = null;
  let handlers: ProcessEventHandlers | null = null;
  let seq = 1;
  /** Exec events only, or exec and exit: the kernel drops the rest before they wake the agent (Linux 6.6+). */
  const narrow = (exits: boolean) => {
    socket?.send(listenRequest(socket.address().port, ++seq, exits ? PROC_EVENT_EXEC | PROC_EVENT_EXIT : PROC_EVENT_EXEC), {}, () => undefined);
  };
  const stop = () => {
    handlers = null;
    const s = socket;
    socket = null;
    try {
      s?.close();
    } catch {
      // Already closed by an error.
    }
  };
  return {
    name: 'proc-connector',
    stop,
    followExits: narrow,
    start(h) {
      const why = procConnectorUnavailable();
      if (why) return Promise.resolve({ live: false, reason: why });
      let s: RawSocket;
      try {
        const { RawNetlinkSocket } = createRequire(import.meta.url)('netlink/dist/raw.js') as {
          RawNetlinkSocket: new (protocol: number, o: object) => RawSocket;
        };
        s = new RawNetlinkSocket(NETLINK_CONNECTOR, {
          localGroups: CN_IDX_PROC,
          recvBufferSize: RECV_BUFFER_BYTES,
          messagePeeking: false,
          msgBufferSize: 8192,
        });
      } catch (err) {
        return Promise.resolve({ live: false, reason: `cannot open the proc connector socket: ${(err as Error).message}` });
      }
      socket = s;
      handlers = h;
      return new Promise<EventSourceState>((resolve) => {
        let acked = false;
        const timer = setTimeout(() => {
          stop();
          resolve({ live: false, reason: 'the kernel did not answer the proc connector subscription' });
        }, ACK_TIMEOUT_MS);
        s.on('message', (msg) => {
          for (const ev of parseProcEvents(msg)) {
            if (ev.kind === 'ack') {
              if (acked) continue;
              acked = true;
              clearTimeout(timer);
              if (ev.err === 0) {
                narrow(false);
                resolve({ live: true });
              } else {
                stop();
                resolve({ live: false, reason: `the kernel refused the proc connector subscription (errno ${ev.err})` });
              }
            } else if (ev.kind === 'exec') {
              const proc = opts.readProcess(ev.pid, handlers?.wants?.bind(handlers));
              if (proc) handlers?.exec(proc);
            } else handlers?.exit(ev.pid);
          }
        });
        s.on('error', (err) => {
          // ENOBUFS: the receive buffer overflowed and events were dropped; the socket itself still works.
          if (err.code === 'ENOBUFS') handlers?.gap('the proc connector dropped events (receive buffer full)');
          else {
            const current = handlers;
            stop();
            if (!acked) {
              clearTimeout(timer);
              resolve({ live: false, reason: `proc connector: ${err.message}` });
            } else current?.down(`proc connector: ${err.message}`);
          }
        });
        s.send(listenRequest(s.address().port, seq), {}, (err) => {
          if (!err || acked) return;
          clearTimeout(timer);
          stop();
          resolve({ live: false, reason: `cannot subscribe to the proc connector: ${err.message}` });
        });
      });
    },
  };
}
