// The app with its own view of names, for tests that need a name to mean something it does not
// mean on this machine: a provider's real server name (smtp.gmail.com) answered by a scripted
// server on loopback, or a From domain whose SPF and DMARC records the test writes.
//
// `isolatedDriver` starts tauri-driver (and so WebKitWebDriver and the app under it) in a
// mount namespace the test creates (`unshare -m`), with a private /etc/hosts and
// /etc/resolv.conf bound over the system's. The resolver it names is `dnsServer`, a tiny
// authoritative DNS responder on a loopback address of its own (port 53, which resolv.conf
// cannot change). Nothing outside the namespace sees either file, and every address is on
// loopback. Needs root and unshare; `canIsolate()` says whether this machine allows it.
import { execFileSync } from "node:child_process";
import dgram from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether this test may create a mount namespace (root and a working `unshare -m`). */
export function canIsolate() {
  try {
    if (process.getuid?.() !== 0) return false;
    execFileSync("unshare", ["-m", "true"], { stdio: "ignore", timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** `name` as DNS wire labels. */
function labels(name) {
  const parts = name.replace(/\.$/, "").split(".");
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p, "ascii")])), Buffer.from([0])]);
}

/** Reads the question of a DNS query: { name, type, end } or null when it is not one. */
function question(msg) {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return null;
  const parts = [];
  let i = 12;
  while (i < msg.length && msg[i] !== 0) {
    const len = msg[i];
    if (len > 63 || i + 1 + len > msg.length) return null;
    parts.push(msg.subarray(i + 1, i + 1 + len).toString("ascii"));
    i += 1 + len;
  }
  if (i + 5 > msg.length) return null;
  return { name: parts.join(".").toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

const TYPES = { A: 1, TXT: 16 };

/** One answer record (name by pointer to the question). */
function record(type, value) {
  let rdata;
  if (type === TYPES.A) rdata = Buffer.from(value.split(".").map(Number));
  else {
    // A TXT string is at most 255 bytes; longer texts are split as publishers do.
    const chunks = [];
    for (let i = 0; i < value.length; i += 255) {
      const s = Buffer.from(value.slice(i, i + 255), "ascii");
      chunks.push(Buffer.from([s.length]), s);
    }
    rdata = Buffer.concat(chunks);
  }
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(60, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

/**
 * Starts the responder. `zone` maps a name to { A: [...addresses], TXT: [...texts] }; other
 * names get NXDOMAIN, other types of a known name an empty answer. Listens on UDP port 53 of
 * a free 127.x.y.53 address; returns { address, queries, close }.
 */
export async function dnsServer(zone) {
  const known = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase(), v]));
  const queries = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    const address = `127.${10 + Math.floor(Math.random() * 200)}.${1 + Math.floor(Math.random() * 250)}.53`;
    const sock = dgram.createSocket("udp4");
    sock.on("message", (msg, from) => {
      const q = question(msg);
      if (!q) return;
      queries.push(`${q.name} ${q.type}`);
      const entry = known.get(q.name);
      const kind = Object.keys(TYPES).find((k) => TYPES[k] === q.type);
      const values = entry && kind ? (entry[kind] ?? []) : [];
      const head = Buffer.alloc(12);
      msg.copy(head, 0, 0, 2);
      // QR, AA, RD, RA; NXDOMAIN for unknown names.
      head.writeUInt16BE(0x8580 | (entry ? 0 : 3), 2);
      head.writeUInt16BE(1, 4);
      head.writeUInt16BE(values.length, 6);
      const reply = Buffer.concat([head, msg.subarray(12, q.end), ...values.map((v) => record(q.type, v))]);
      sock.send(reply, from.port, from.address);
    });
    const ok = await new Promise((resolve) => {
      sock.once("error", () => resolve(false));
      sock.bind(53, address, () => resolve(true));
    });
    if (ok) {
      return { address, queries, close: () => new Promise((resolve) => sock.close(resolve)) };
    }
    sock.close();
  }
  throw new Error("no free loopback address for the DNS responder");
}

/**
 * A driver command for `launch`: tauri-driver in a new mount namespace whose /etc/hosts maps
 * each of `names` to 127.0.0.1 (besides localhost) and whose resolv.conf names `nameserver`
 * (a loopback address) alone. Returns { wrap, cleanup }.
 */
export function isolatedDriver({ names = [], nameserver = null }) {
  const dir = mkdtempSync(join(tmpdir(), "portolan-isolated-"));
  const hosts = join(dir, "hosts");
  const resolv = join(dir, "resolv.conf");
  writeFileSync(hosts, ["127.0.0.1 localhost", "::1 localhost", ...names.map((n) => `127.0.0.1 ${n}`), ""].join("\n"));
  // Without a nameserver, no name outside the hosts file resolves (127.0.0.9 never answers
  // DNS): nothing the app looks up leaves the machine.
  writeFileSync(resolv, `nameserver ${nameserver ?? "127.0.0.9"}\noptions timeout:1 attempts:1\n`);
  const script = 'mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && shift 2 && exec "$@"';
  return {
    wrap: (cmd, args) => ["unshare", ["-m", "--propagation", "private", "sh", "-c", script, "sh", hosts, resolv, cmd, ...args]],
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
