// A scripted SMTP server over TLS on loopback, for what the real Postfix does not do: offer
// only OAuth sign-in (AUTH XOAUTH2 OAUTHBEARER), as providers that want an app password or
// their web page do. It uses the test CA's valid certificate.
import { readFileSync } from "node:fs";
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
