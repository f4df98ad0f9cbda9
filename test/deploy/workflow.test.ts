/**
 * .github/workflows/ci.yml cannot drift from the project: every suite `npm test` chains runs in some
 * job, on the Node version the project pins, after installing the servers that suite starts; the
 * image matrix is exactly the artifacts of topology.ts; and the workflow's token stays read-only
 * except where images are pushed. The workflow is read as GitHub would run it: each matrix
 * combination on its own, with `${{ matrix.* }}` / `${{ env.* }}` and the steps' shell variables
 * filled in.
 */
import { strict as assert } from 'node:assert';
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { services } from '../../topology.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FILE = join(ROOT, '.github', 'workflows', 'ci.yml');
const TEXT = readFileSync(FILE, 'utf8');
const SCRIPTS = stringMap((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: unknown }).scripts, 'package.json scripts');
const NODE_VERSION = /^NODE_VERSION=(\S+)$/m.exec(readFileSync(join(ROOT, 'scripts', 'with-node24.sh'), 'utf8'))?.[1];
const MAIN_ONLY = "github.event_name == 'push' && github.ref == 'refs/heads/main'";

/** The split topology's servers: apps/cli/src/start-split.ts always starts these. */
const SPLIT = ['postgresql', 'nats-server', 'redis-server'];
/**
 * The apt packages each suite's servers come from (scripts/install-servers.sh installs them all).
 * A suite added to `test:all` fails the tests below until it is listed here and CI installs these.
 */
const SERVERS: Record<string, readonly string[]> = {
  typecheck: [],
  'typecheck:console': [],
  'lint:deps': [],
  'test:deploy': ['prometheus'],
  'test:unit': ['postgresql', 'mariadb-server', 'nats-server', 'redis-server', 'rabbitmq-server'],
  'test:unit:postgres': ['postgresql', 'redis-server'],
  'test:unit:mariadb': ['mariadb-server'],
  'test:e2e': [],
  'test:e2e:orchestration': [],
  'test:e2e:verify': [],
  'test:e2e:split': SPLIT,
  // The browser is the runner image's Chrome (CHROMIUM_PATH); locally, Debian's chromium.
  'test:console': [],
  'test:security': [],
  'test:console:split': SPLIT,
  'test:e2e:polyglot': [...SPLIT, 'rabbitmq-server', 'mariadb-server'],
  'test:split': SPLIT,
  // The shop in a network namespace: nftables cuts a service off the broker, libfaketime skews its clock.
  'test:faults': [...SPLIT, 'nftables', 'libfaketime'],
  // The benchmarks' harness, once quickly (no timing asserted): every topology and peer starts and answers.
  'bench:quick': SPLIT,
};

// ---- reading the YAML without `any` ----------------------------------------------------------

type Data = Record<string, unknown>;

function isRecord(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, what: string): Data {
  assert.ok(isRecord(value), `${what} is a mapping`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  assert.ok(Array.isArray(value), `${what} is a list`);
  return value;
}

function scalar(value: unknown, what: string): string {
  assert.ok(typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean', `${what} is a scalar`);
  return String(value);
}

function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === undefined) return {};
  return Object.fromEntries(Object.entries(record(value, what)).map(([key, entry]) => [key, scalar(entry, `${what}.${key}`)]));
}

function optionalString(value: unknown, what: string): string | undefined {
  return value === undefined ? undefined : scalar(value, what);
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with: Record<string, string>;
  env: Record<string, string>;
}

interface Job {
  id: string;
  needs: string[];
  permissions: Record<string, string> | undefined;
  env: Record<string, string>;
  matrix: Data | undefined;
  steps: Step[];
  raw: Data;
}

const workflow = record(parse(TEXT) as unknown, 'the workflow');
const WORKFLOW_ENV = stringMap(workflow.env, 'env');
const jobs: Job[] = Object.entries(record(workflow.jobs, 'jobs')).map(([id, value]) => {
  const raw = record(value, `jobs.${id}`);
  const strategy = raw.strategy === undefined ? undefined : record(raw.strategy, `jobs.${id}.strategy`);
  return {
    id,
    raw,
    needs: raw.needs === undefined ? [] : typeof raw.needs === 'string' ? [raw.needs] : list(raw.needs, `jobs.${id}.needs`).map((need) => scalar(need, `jobs.${id}.needs`)),
    permissions: raw.permissions === undefined ? undefined : stringMap(raw.permissions, `jobs.${id}.permissions`),
    env: stringMap(raw.env, `jobs.${id}.env`),
    matrix: strategy?.matrix === undefined ? undefined : record(strategy.matrix, `jobs.${id}.strategy.matrix`),
    steps: list(raw.steps, `jobs.${id}.steps`).map((entry, index) => {
      const what = `jobs.${id}.steps[${index}]`;
      const step = record(entry, what);
      return {
        name: optionalString(step.name, `${what}.name`),
        uses: optionalString(step.uses, `${what}.uses`),
        run: optionalString(step.run, `${what}.run`),
        if: optionalString(step.if, `${what}.if`),
        with: stringMap(step.with, `${what}.with`),
        env: stringMap(step.env, `${what}.env`),
      };
    }),
  };
});

function job(id: string): Job {
  const found = jobs.find((candidate) => candidate.id === id);
  assert.ok(found, `the workflow has a job ${id}`);
  return found;
}

// ---- running the workflow on paper ----------------------------------------------------------------

type Combination = Record<string, string>;

/** A strategy matrix's combinations, as GitHub forms them (axes, then `exclude`, then `include`). */
function combinations(matrix: Data | undefined, what: string): Combination[] {
  if (matrix === undefined) return [{}];
  const axes = Object.entries(matrix).filter(([key]) => key !== 'include' && key !== 'exclude');
  let combos: Combination[] = axes.length === 0 ? [] : [{}];
  for (const [key, values] of axes) {
    const options = list(values, `${what}.${key}`).map((value) => scalar(value, `${what}.${key}`));
    combos = combos.flatMap((combo) => options.map((option) => ({ ...combo, [key]: option })));
  }
  const excludes = matrix.exclude === undefined ? [] : list(matrix.exclude, `${what}.exclude`).map((entry) => stringMap(entry, `${what}.exclude`));
  combos = combos.filter((combo) => !excludes.some((exclude) => Object.entries(exclude).every(([key, value]) => combo[key] === value)));
  const original = [...combos];
  const axisNames = new Set(axes.map(([key]) => key));
  const includes = matrix.include === undefined ? [] : list(matrix.include, `${what}.include`).map((entry) => stringMap(entry, `${what}.include`));
  for (const include of includes) {
    const fits = original.filter((combo) => Object.entries(include).every(([key, value]) => !axisNames.has(key) || combo[key] === value));
    for (const combo of fits) Object.assign(combo, include);
    if (fits.length === 0) combos.push({ ...include });
  }
  assert.ok(combos.length > 0, `${what} has at least one combination`);
  return combos;
}

/** Fills in `${{ matrix.x }}` and `${{ env.X }}`; other expressions (github.*, steps.*) stay as they are. */
function expressions(text: string, matrix: Combination, env: Record<string, string>, what: string): string {
  return text.replace(/\$\{\{\s*(matrix|env)\.([\w-]+)\s*\}\}/g, (whole, context: string, key: string) => {
    const value = context === 'matrix' ? matrix[key] : env[key];
    if (context === 'matrix') assert.ok(value !== undefined, `${what}: ${whole} names no matrix value`);
    return value ?? whole;
  });
}

/** Fills in the shell variables a step's environment defines (`$NAME`, `${NAME}`). */
function shellVariables(text: string, env: Record<string, string>): string {
  return text.replace(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (whole, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ''] ?? whole);
}

/** The simple commands of a script: continuation lines joined, split at newlines, `&&`, `||` and `;`. */
function commands(script: string): string[] {
  return script
    .replace(/\\\n/g, ' ')
    .split(/\n|&&|\|\||;/)
    .map((command) => command.trim())
    .filter((command) => command && !command.startsWith('#'));
}

function unquote(word: string): string {
  return word.replace(/^(['"])(.*)\1$/, '$2');
}

interface ResolvedStep {
  uses?: string;
  with: Record<string, string>;
  commands: string[];
  /** The npm scripts the step runs itself (`npm run x`, `npm test`). */
  scripts: string[];
  /** The packages its `apt-get install` lines name. */
  packages: string[];
  npmCi: boolean;
}

interface JobRun {
  job: Job;
  label: string;
  matrix: Combination;
  steps: ResolvedStep[];
}

function resolve(job: Job): JobRun[] {
  return combinations(job.matrix, `jobs.${job.id}.strategy.matrix`).map((matrix) => {
    const label = `${job.id}${Object.keys(matrix).length ? ` (${Object.values(matrix).join(', ')})` : ''}`;
    const jobEnv = { ...WORKFLOW_ENV, ...Object.fromEntries(Object.entries(job.env).map(([key, value]) => [key, expressions(value, matrix, WORKFLOW_ENV, label)])) };
    const steps = job.steps.map((step) => {
      const env = { ...jobEnv, ...Object.fromEntries(Object.entries(step.env).map(([key, value]) => [key, expressions(value, matrix, jobEnv, label)])) };
      const run = step.run === undefined ? [] : commands(shellVariables(expressions(step.run, matrix, env, label), env));
      const scripts = run.flatMap((command) => {
        const named = /\bnpm\s+(?:run|run-script)\s+(\S+)/.exec(command);
        if (named?.[1]) return [unquote(named[1])];
        return /\bnpm\s+(?:test|t)\b/.test(command) ? ['test'] : [];
      });
      const packages = run.flatMap((command) => {
        const install = /\bapt(?:-get)?\s+(?:\S+\s+)*?install\b(.*)$/.exec(command);
        if (!install) return [];
        const words = (install[1] ?? '').trim().split(/\s+/).filter((word) => word && !word.startsWith('-')).map(unquote);
        for (const word of words) assert.ok(!word.includes('$'), `${label}: "${command}" installs ${word}, which the step's environment does not define`);
        return words;
      });
      return {
        uses: step.uses,
        with: Object.fromEntries(Object.entries(step.with).map(([key, value]) => [key, expressions(value, matrix, env, label)])),
        commands: run,
        scripts,
        packages,
        npmCi: run.some((command) => /\bnpm\s+ci\b/.test(command)),
      };
    });
    return { job, label, matrix, steps };
  });
}

/** Every job, once per matrix combination (computed per test, so that a failure is the test's). */
function runs(): JobRun[] {
  return jobs.flatMap(resolve);
}

/** The scripts a script runs through `npm run` (`test:all` → typecheck, lint:deps, …). */
function chained(name: string): string[] {
  const command = SCRIPTS[name];
  assert.ok(command !== undefined, `package.json has a script ${name}`);
  return [...command.matchAll(/\bnpm\s+run\s+(\S+)/g)].map((match) => match[1] ?? '');
}

/** A script and everything it runs, however deep the chain. */
function covered(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const next of chained(name)) covered(next, seen);
  return seen;
}

/** The apt packages a script needs installed, through every script it chains. */
function needs(name: string): string[] {
  return [...covered(name)].flatMap((script) => {
    if (chained(script).length > 0) return [];
    const servers = SERVERS[script];
    assert.ok(servers, `${script} runs in CI: list the servers it needs in SERVERS (test/deploy/workflow.test.ts)`);
    return servers;
  });
}

/** The test files a script's quoted globs match. */
function testFiles(name: string): string[] {
  const globs = [...(SCRIPTS[name] ?? '').matchAll(/"([^"]*\*[^"]*)"/g)].map((match) => match[1] ?? '');
  return globs.flatMap((pattern) => {
    const files = globSync(pattern, { cwd: ROOT }).filter((file) => !file.split(/[\\/]/).includes('node_modules'));
    assert.ok(files.length > 0, `${name}: "${pattern}" matches no file`);
    return files;
  });
}

/** What the script and its test files show they start, read from the code: a floor for SERVERS. */
function evidentServers(name: string): Set<string> {
  const found = new Set<string>();
  const command = SCRIPTS[name] ?? '';
  if (command.includes('with-postgres.ts')) found.add('postgresql');
  if (command.includes('with-mariadb.ts')) found.add('mariadb-server');
  if (/\bAGORA_TOPOLOGY=split\b/.test(command)) for (const server of SPLIT) found.add(server);
  if (/\bEVENT_BUS=rabbitmq\b/.test(command)) found.add('rabbitmq-server');
  if (/\bAGORA_MARIADB_SERVICES=[^\s"']/.test(command)) found.add('mariadb-server');
  const starters: Record<string, string> = { Postgres: 'postgresql', MariaDb: 'mariadb-server', Nats: 'nats-server', Redis: 'redis-server', RabbitMq: 'rabbitmq-server' };
  for (const file of testFiles(name)) {
    if (join(ROOT, file) === import.meta.filename) continue;
    const source = readFileSync(join(ROOT, file), 'utf8');
    for (const [engine, server] of Object.entries(starters)) if (new RegExp(`\\bstart${engine}\\(`).test(source)) found.add(server);
    if (/AGORA_TOPOLOGY:\s*['"]split['"]/.test(source)) for (const server of SPLIT) found.add(server);
    if (/['"]promtool['"]/.test(source)) found.add('prometheus');
  }
  return found;
}

const suites = chained('test:all');

// ---- the checks ---------------------------------------------------------------------------------------

describe('.github/workflows/ci.yml', () => {
  it('runs every suite that `npm test` chains in some job', () => {
    assert.match(SCRIPTS.test ?? '', /\bnpm run test:all\b/, '`npm test` runs test:all');
    assert.ok(suites.length >= 10, `test:all chains the suites (found ${suites.join(', ')})`);
    const ran = new Set(runs().flatMap((run) => run.steps.flatMap((step) => step.scripts.flatMap((script) => [...covered(script)]))));
    assert.deepEqual(suites.filter((suite) => !ran.has(suite)), [], 'suites in test:all that no CI job runs');
  });

  it('runs only scripts that package.json defines', () => {
    for (const run of runs()) for (const step of run.steps) for (const script of step.scripts) assert.ok(script in SCRIPTS, `${run.label} runs npm script "${script}", which package.json does not define`);
  });

  it('sets up the Node version scripts/with-node24.sh pins, with the npm cache, then runs npm ci, before any script', () => {
    assert.match(NODE_VERSION ?? '', /^24\.\d+\.\d+$/, 'scripts/with-node24.sh pins an exact Node 24');
    let setups = 0;
    for (const run of runs()) {
      let node = false;
      let installed = false;
      for (const step of run.steps) {
        if (step.uses?.startsWith('actions/setup-node@')) {
          setups++;
          assert.equal(step.with['node-version'], NODE_VERSION, `${run.label}: actions/setup-node installs Node ${NODE_VERSION}`);
          assert.equal(step.with.cache, 'npm', `${run.label}: actions/setup-node caches npm`);
          node = true;
        }
        if (step.npmCi) {
          assert.ok(node, `${run.label}: npm ci runs after actions/setup-node`);
          installed = true;
        }
        if (step.scripts.length > 0) assert.ok(node && installed, `${run.label}: ${step.scripts.join(', ')} runs after actions/setup-node and npm ci`);
      }
    }
    assert.ok(setups > 0, 'some job sets up Node');
  });

  it('lists the servers of every suite in test:all, at least those its code shows it starts', () => {
    for (const suite of suites) {
      const declared = SERVERS[suite];
      assert.ok(declared, `${suite} is in test:all: list the servers it needs in SERVERS (test/deploy/workflow.test.ts)`);
      const missing = [...evidentServers(suite)].filter((server) => !declared.includes(server));
      assert.deepEqual(missing, [], `${suite} starts servers SERVERS does not list for it`);
    }
  });

  it('installs, before each script, the servers it needs', () => {
    for (const run of runs()) {
      const installed = new Set<string>();
      for (const step of run.steps) {
        for (const name of step.packages) installed.add(name);
        for (const script of step.scripts) {
          const missing = needs(script).filter((name) => !installed.has(name));
          assert.deepEqual(missing, [], `${run.label}: ${script} runs without these apt packages installed before it`);
        }
      }
    }
  });

  it('uses no service containers: the suites start their own servers on loopback', () => {
    for (const { id, raw } of jobs) {
      assert.equal(raw.services, undefined, `${id} declares service containers`);
      assert.equal(raw.container, undefined, `${id} runs in a container`);
    }
  });

  it('builds exactly one image per artifact of topology.ts (the gateway and every service)', () => {
    const images = job('images');
    const suites = jobs.map((each) => each.id).filter((id) => id !== 'images');
    assert.deepEqual([...images.needs].sort(), suites.sort(), 'images are built only from a commit every job passed on');
    const artifacts = ['gateway', ...services.map((service) => service.name)];
    const built = resolve(images).map((run) => run.matrix.artifact ?? '');
    assert.deepEqual([...built].sort(), [...artifacts].sort(), 'the images matrix against topology.ts');
    for (const run of resolve(images)) {
      const artifact = run.matrix.artifact ?? '';
      const uses = (action: string): ResolvedStep | undefined => run.steps.find((step) => step.uses?.startsWith(`${action}@`));
      const buildx = run.steps.findIndex((step) => step.uses?.startsWith('docker/setup-buildx-action@'));
      const buildIndex = run.steps.findIndex((step) => step.uses?.startsWith('docker/build-push-action@'));
      assert.ok(buildx >= 0 && buildx < buildIndex, `${run.label}: docker/setup-buildx-action, then docker/build-push-action`);
      const build = uses('docker/build-push-action');
      assert.ok(build);
      assert.equal(build.with.file, 'deploy/Dockerfile', run.label);
      assert.equal(build.with.context, '.', run.label);
      const args = (build.with['build-args'] ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
      assert.deepEqual([...args].sort(), [`SERVICE=${artifact}`, 'VERSION=${{ github.sha }}'].sort(), `${run.label}: build args`);
      assert.equal(build.with.push, `\${{ ${MAIN_ONLY} }}`, `${run.label}: pushes from main only`);
      assert.match(build.with['cache-from'] ?? '', /\btype=gha\b/, `${run.label}: GHA cache`);
      assert.match(build.with['cache-to'] ?? '', /\btype=gha\b/, `${run.label}: GHA cache`);
      const tags = (build.with.tags ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
      assert.ok(tags.length > 0 && tags.every((tag) => tag.startsWith('${{ steps.image.outputs.name }}:')), `${run.label}: tags name the image`);
      assert.ok(
        run.steps.some((step) => step.commands.some((command) => command.includes(`name=ghcr.io/\${GITHUB_REPOSITORY_OWNER,,}/agora/${artifact}"`))),
        `${run.label}: the image is ghcr.io/<owner>/agora/${artifact}, as agora publish names it (<registry>/<artifact>)`,
      );
      const login = images.steps.find((step) => step.uses?.startsWith('docker/login-action@'));
      assert.ok(login, 'images log in to GHCR');
      assert.equal(login.if, MAIN_ONLY, 'images log in from main only');
      assert.equal(login.with.registry, 'ghcr.io');
    }
  });

  it('gives the token read access only, except packages: write on the images job', () => {
    assert.deepEqual(stringMap(workflow.permissions, 'permissions'), { contents: 'read' }, 'top-level permissions');
    for (const { id, permissions } of jobs) {
      if (id === 'images') assert.deepEqual(permissions, { contents: 'read', packages: 'write' }, 'images permissions');
      else if (permissions) for (const [scope, level] of Object.entries(permissions)) assert.notEqual(level, 'write', `${id} has ${scope}: write`);
    }
  });

  it('cancels superseded runs of the same ref', () => {
    const concurrency = record(workflow.concurrency, 'concurrency');
    assert.match(scalar(concurrency.group, 'concurrency.group'), /\$\{\{[^}]*\bgithub\.ref\b[^}]*\}\}/);
    assert.equal(concurrency['cancel-in-progress'], true);
  });

  it('pins every action to a full commit SHA, commented with its version, one SHA per action', () => {
    const uses = TEXT.split('\n').filter((line) => /^\s*(?:-\s+)?uses:/.test(line));
    assert.ok(uses.length > 0);
    const pins = new Map<string, string>();
    for (const line of uses) {
      const pin = /uses:\s*([\w.-]+\/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d+\.\d+\.\d+\s*$/.exec(line);
      assert.ok(pin?.[1] && pin[2], `not pinned to a SHA with a # vX.Y.Z comment: ${line.trim()}`);
      assert.equal(pins.get(pin[1]) ?? pin[2], pin[2], `${pin[1]} is pinned to two different commits`);
      pins.set(pin[1], pin[2]);
    }
    const parsed = jobs.flatMap((entry) => entry.steps.flatMap((step) => (step.uses ? [step.uses] : [])));
    assert.equal(parsed.length, uses.length, 'every uses: is on a line of its own');
  });
});
