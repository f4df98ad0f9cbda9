/**
 * V8 flags every Agora process is started with, on its command line because V8 reads them only at
 * start: `npm start`/`serve`/`agora` (package.json), the supervisor's children
 * (control/process-table.ts) and the image's entrypoint (deploy/Dockerfile); tests check all three.
 *
 * A young generation of at most 8 MB per semispace instead of V8's 16 MB: a process no longer keeps
 * the tens of megabytes of young-generation pages it grew during start-up (the embedded shop's RSS
 * after start: 149 MB at 16, 133 MB at 8). Smaller still costs throughput: at 2 MB, short-lived
 * request garbage is swept so often, and so much of it is promoted, that the gateway spent about a
 * fifth more CPU per request (bench/ gateway row, 150 against 190 µs).
 */
export const NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
