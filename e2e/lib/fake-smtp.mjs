// Scripted SMTP servers over TLS on loopback, for what the real Postfix does not do: offer
// only OAuth sign-in (AUTH XOAUTH2 OAUTHBEARER), as providers that want an app password or
// their web page do (the test CA's valid certificate); or answer as a known provider does,
// under its name (a certificate for that name from the test CA).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";

/**
 * Starts the server on 127.0.0.1 (a free port); `authReply` is its answer to AUTH, should a
 * client try; `ehloReply`, when given, refuses the hello with it (as Postfix's
 * reject_non_fqdn_helo_hostname does). Returns { port, close }.
 */
export async function fakeSmtp(env, authReply = "535 5.7.8 Authentication credentials invalid", ehloReply = null) {
  const cert = readFileSync(env.PORTOLAN_TEST_VALID_CERT);
  const key = readFileSync(env.PORTOLAN_TEST_VALID_CERT.replace(/\.pem$/, ".key"));
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.setEncoding("utf8");
    socket.write("220 fake.portolan.test ESMTP scripted\r\n");
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk;
      // Bounded: a client that never ends a line is cut off.
      if (buffer.length > 8192) socket.destroy();
      let i;
      while ((i = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const verb = line.split(" ")[0].toUpperCase();
        if (verb === "EHLO" && ehloReply) socket.write(`${ehloReply}\r\n`);
        else if (verb === "EHLO") socket.write("250-fake.portolan.test\r\n250-AUTH XOAUTH2 OAUTHBEARER\r\n250 8BITMIME\r\n");
        else if (verb === "AUTH") socket.write(`${authReply}\r\n`);
        else if (verb === "QUIT") socket.end("221 2.0.0 Bye\r\n");
        else socket.write("502 5.5.2 Not in this script\r\n");
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A certificate for `name` signed by the test fixture's CA (its key lies beside it), made with
 * openssl in a temporary folder: { cert, key } as PEM text.
 */
export function certificateFor(env, name) {
  const dir = mkdtempSync(join(tmpdir(), "portolan-cert-"));
  try {
    const ca = env.PORTOLAN_TEST_CA_FILE;
    const run = (args) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"], timeout: 15000 });
    const key = join(dir, "leaf.key");
    const csr = join(dir, "leaf.csr");
    const ext = join(dir, "leaf.ext");
    const cert = join(dir, "leaf.pem");
    run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
    run(["req", "-new", "-key", key, "-subj", `/O=Portolan test fixture/CN=${name}`, "-out", csr]);
    writeFileSync(
      ext,
      [
        "basicConstraints=critical,CA:FALSE",
        "keyUsage=critical,digitalSignature",
        "extendedKeyUsage=serverAuth",
        `subjectAltName=DNS:${name}`,
        "",
      ].join("\n"),
    );
    run([
      "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca.replace(/\.pem$/, ".key"), "-CAcreateserial",
      "-CAserial", join(dir, "ca.srl"), "-days", "2", "-extfile", ext, "-out", cert,
    ]);
    return { cert: readFileSync(cert), key: readFileSync(key) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A provider's server as scripted on 127.0.0.1: implicit TLS with a certificate for `name`
 * from the test CA, AUTH PLAIN offered and answered with `authReply` (lines joined by
 * CRLF, as the provider sends them). Returns { port, said, close }; `said()` lists the verbs
 * it heard.
 */
export async function providerSmtp(env, name, authReply) {
  const { cert, key } = certificateFor(env, name);
  const heard = [];
  const server = tls.createServer({ cert, key }, (socket) => {
    socket.setEncoding("utf8");
    socket.write(`220 ${name} ESMTP scripted\r\n`);
    let buffer = "";
    let inAuth = false;
    socket.on("data", (chunk) => {
      buffer += chunk;
      if (buffer.length > 8192) socket.destroy();
      let i;
      while ((i = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inAuth) {
          // The credentials after a bare AUTH PLAIN: not recorded.
          inAuth = false;
          socket.write(`${authReply}\r\n`);
          continue;
        }
        const verb = line.split(" ")[0].toUpperCase();
        if (verb !== "QUIT") heard.push(verb);
        if (verb === "EHLO") socket.write(`250-${name}\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n`);
        else if (verb === "AUTH" && line.split(" ").length < 3) {
          inAuth = true;
          socket.write("334 \r\n");
        } else if (verb === "AUTH") socket.write(`${authReply}\r\n`);
        else if (verb === "QUIT") socket.end("221 2.0.0 Bye\r\n");
        else socket.write("502 5.5.2 Not in this script\r\n");
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    said: () => [...heard],
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
