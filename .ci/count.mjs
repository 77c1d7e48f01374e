// Prints "N passed, N failed" from a vitest JSON report; fails when the report is missing or ran no test.
import { readFileSync } from 'node:fs';

const path = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch (error) {
  console.error(`no test report at ${path}: ${error.message}`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
// A failed test fails its file and every suite around it: only a file that failed without a failed test
// (it did not load, or a hook threw) adds to the tests that failed.
const broken = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((test) => test.status === 'failed'),
).length;
const failed = (report.numFailedTests ?? 0) + broken;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
if (passed + failed === 0) {
  console.error('the test run executed no test');
  process.exit(1);
}
if (skipped > 0) console.error(`${skipped} tests were skipped: nothing may be skipped in CI`);
console.log(`${passed} passed, ${failed + skipped} failed`);
if (skipped > 0) process.exit(1);
