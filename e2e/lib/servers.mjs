// Reads the local test servers' description written by scripts/test-servers.sh.
import { readFileSync } from "node:fs";

/** The KEY=VALUE pairs of servers.env, or null when the servers are not running. */
export function servers() {
  const file = process.env.PORTOLAN_TEST_SERVERS;
  if (!file) {
    if (process.env.PORTOLAN_REQUIRE_SERVERS === "1") {
      throw new Error("PORTOLAN_TEST_SERVERS is not set but the servers are required");
    }
    return null;
  }
  const env = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) env[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return env;
}
