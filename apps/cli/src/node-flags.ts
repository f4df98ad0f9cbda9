/**
 * V8 flags every Agora process is started with, on its command line because V8 reads them only at
 * start: `npm start`/`serve`/`agora` (package.json), the supervisor's children
 * (control/process-table.ts) and the image's entrypoint (deploy/Dockerfile); tests check all three.
 *
 * A young generation of 2 MB per semispace instead of V8's 16 MB: short-lived request garbage is
 * swept a little more often, and a process no longer keeps the tens of megabytes of young-generation
 * pages it grew during start-up (the embedded shop's RSS went from about 172 to 147 MB; throughput
 * in bench/ stayed within its spread).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2'];
