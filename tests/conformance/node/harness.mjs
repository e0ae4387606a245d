// What every conformance script here shares: its BASE_URL argument, named checks that record a failure and go on, and
// the summary line and exit code the .NET tests read (NodeScript.AssertPassesAsync: "N passed, 0 failed", exit 0).
import { basename } from 'node:path';

const results = [];

/** The BASE_URL argument; without it, prints the script's usage and exits 2. */
export function baseUrlArgument(scriptUrl) {
  const baseURL = process.argv[2];
  if (!baseURL) {
    console.error(`usage: node ${basename(new URL(scriptUrl).pathname)} BASE_URL`);
    process.exit(2);
  }
  return baseURL;
}

/** Runs one named check; a thrown error fails it and the next check runs. */
export async function check(name, fn) {
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`ok   ${name}`);
  } catch (e) {
    results.push({ name, ok: false, error: String(e?.stack ?? e) });
    console.log(`FAIL ${name}: ${e?.message ?? e}`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Prints the failures' stacks and the summary, and exits 1 if any check failed. */
export function finish() {
  const failed = results.filter((r) => !r.ok);
  for (const f of failed) console.error(f.error);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length === 0 ? 0 : 1);
}
