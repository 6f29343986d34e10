// Cold start to the first screen: launches the app N times through tauri-driver and times
// from the session request (which starts the binary) until the address field of the first
// screen is displayed. Prints each run and the median, min and max in milliseconds.
import { launch } from "../lib/app.mjs";

const runs = Number(process.env.RUNS || 10);
const times = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const { browser, stop } = await launch();
  try {
    const field = await browser.$("#address");
    await field.waitForDisplayed({ timeout: 30000 });
    const ms = performance.now() - t0;
    times.push(ms);
    console.log(`run ${i + 1}: ${ms.toFixed(0)} ms`);
  } finally {
    await stop();
  }
}
times.sort((a, b) => a - b);
const mid = times.length >> 1;
const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
console.log(
  `cold start to first screen over ${runs} runs: median ${median.toFixed(0)} ms, ` +
    `min ${times[0].toFixed(0)} ms, max ${times[times.length - 1].toFixed(0)} ms`,
);
