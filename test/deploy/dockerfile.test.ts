/**
 * The image can't be built on a machine without a container engine and an image registry, so what
 * can be checked offline is checked here: the Dockerfile lints clean, and what it copies, runs and
 * promises matches the repository it builds from.
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { NODE_FLAGS } from '../../apps/cli/src/node-flags.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const TEXT = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(TEXT);
const instructions = dockerfile.getInstructions();
const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'));

function argumentsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((argument) => argument.getValue());
}

/** The instructions of the last stage: what the running image is. */
function finalStage(): Instruction[] {
  const lastFrom = instructions.findLastIndex((instruction) => instruction.getKeyword() === 'FROM');
  return instructions.slice(lastFrom);
}

/** Every workspace folder (packages/*, services/*, apps/*, bench) that has a package.json. */
function workspaces(): string[] {
  const globs = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
  return globs.flatMap((glob) => {
    // A glob without `/*` names one workspace folder (bench).
    if (!glob.endsWith('/*')) return existsSync(join(ROOT, glob, 'package.json')) ? [glob] : [];
    const parent = glob.replace(/\/\*$/, '');
    return readdirSync(join(ROOT, parent))
      .map((name) => `${parent}/${name}`)
      .filter((folder) => existsSync(join(ROOT, folder, 'package.json')));
  });
}

describe('deploy/Dockerfile', () => {
  it('lints without errors or warnings', () => {
    const findings = validate(TEXT).filter((finding) => finding.severity === ValidationSeverity.ERROR || finding.severity === ValidationSeverity.WARNING);
    assert.deepEqual(findings.map((finding) => `line ${finding.range.start.line + 1}: ${finding.message}`), []);
  });

  it('builds on the Node 24 slim image, the same Node version the project runs on', () => {
    const nodeVersion = /NODE_VERSION=(\S+)/.exec(readFileSync(join(ROOT, 'scripts', 'with-node24.sh'), 'utf8'))?.[1];
    const base = dockerfile.getInitialARGs().find((arg) => arg.getProperty()?.getName() === 'NODE_IMAGE')?.getProperty()?.getValue();
    assert.equal(base, `node:${nodeVersion}-bookworm-slim`);
    const froms = dockerfile.getFROMs();
    assert.ok(froms.length >= 2, 'multi-stage: dependencies, then the runtime');
    // Every stage starts from the pinned image or from a stage before it.
    const stages: string[] = [];
    for (const from of froms) {
      assert.ok(from.getImage() === '${NODE_IMAGE}' || stages.includes(from.getImage() ?? ''), `FROM ${from.getImage()}`);
      stages.push(from.getBuildStage() ?? '');
    }
  });

  it('installs production dependencies only, from the lockfile, with no install scripts', () => {
    const installs = instructions.filter((instruction) => instruction.getKeyword() === 'RUN' && /\bnpm ci\b/.test(instruction.getArgumentsContent() ?? ''));
    for (const install of installs) assert.match(install.getArgumentsContent() ?? '', /--ignore-scripts/);
    // The runtime's node_modules comes from the one install without dev dependencies; the other
    // install builds the console, of which only the static files reach the runtime.
    const runtimeCopies = dockerfile.getCOPYs().filter((copy) => copy.getRange().start.line > dockerfile.getFROMs().at(-1)!.getRange().start.line);
    const fromStage = (stage: string) => runtimeCopies.filter((copy) => copy.getFromFlag()?.getValue() === stage).map((copy) => argumentsOf(copy));
    const moduleStage = runtimeCopies.find((copy) => argumentsOf(copy).includes('./node_modules'))?.getFromFlag()?.getValue();
    const stageOf = (install: Instruction) => dockerfile.getFROMs().findLast((from) => from.getRange().start.line < install.getRange().start.line)?.getBuildStage();
    assert.deepEqual(installs.filter((install) => stageOf(install) === moduleStage).map((install) => /--omit=dev/.test(install.getArgumentsContent() ?? '')), [true]);
    for (const install of installs.filter((each) => stageOf(each) !== moduleStage)) assert.match(install.getArgumentsContent() ?? '', /--workspace=@agora\/console/);
    assert.deepEqual(fromStage('console'), [['/app/apps/console/dist', './apps/console/dist']]);
    const copied = dockerfile.getCOPYs().flatMap((copy) => argumentsOf(copy).slice(0, -1));
    assert.ok(copied.includes('package-lock.json'), 'the lockfile is copied before npm ci');
  });

  it("copies every workspace's package.json before npm ci, so no workspace dependency is missing", () => {
    const install = instructions.findIndex((instruction) => instruction.getKeyword() === 'RUN' && /\bnpm ci\b/.test(instruction.getArgumentsContent() ?? ''));
    const manifests = instructions.slice(0, install).filter((instruction) => instruction.getKeyword() === 'COPY').flatMap((copy) => argumentsOf(copy).slice(0, -1));
    for (const folder of workspaces()) assert.ok(manifests.includes(`${folder}/package.json`), `${folder}/package.json is not copied before npm ci`);
  });

  it('copies only files that exist and that .dockerignore lets into the build context', () => {
    for (const copy of dockerfile.getCOPYs()) {
      if (copy.getFromFlag()) continue;
      for (const source of argumentsOf(copy).filter((value) => !value.startsWith('--')).slice(0, -1)) {
        assert.ok(existsSync(join(ROOT, source)), `COPY ${source}: no such file`);
        const excludedBy = ignored.find((pattern) => !pattern.includes('*') && (source === pattern || source.startsWith(`${pattern}/`)));
        assert.equal(excludedBy, undefined, `COPY ${source} is excluded by .dockerignore (${excludedBy})`);
      }
    }
    assert.ok(ignored.includes('**/node_modules'), "the host's node_modules never reaches the image");
    assert.ok(ignored.includes('**/*.test.ts'), 'tests stay out of the image');
  });

  it('runs as a non-root user, checks its health and serves the service it was built for', () => {
    const stage = finalStage();
    const user = stage.find((instruction) => instruction.getKeyword() === 'USER');
    assert.ok(user, 'the runtime stage sets USER');
    const uid = argumentsOf(user).join(' ').split(':')[0];
    assert.ok(uid !== undefined && /^\d+$/.test(uid) && Number(uid) > 0, `USER ${uid}: a numeric non-root uid, so Kubernetes can verify runAsNonRoot`);
    assert.equal(dockerfile.getHEALTHCHECKs().length, 1);
    assert.match(dockerfile.getHEALTHCHECKs()[0]!.getArgumentsContent() ?? '', /\/healthz/);
    const entrypoint = dockerfile.getENTRYPOINTs()[0]?.getArgumentsContent() ?? '';
    assert.deepEqual(JSON.parse(entrypoint), ['node', ...NODE_FLAGS, 'apps/cli/src/agora.ts', 'serve']);
    const env = stage.filter((instruction) => instruction.getKeyword() === 'ENV').map((instruction) => instruction.getArgumentsContent() ?? '').join(' ');
    assert.match(env, /AGORA_SERVICE=\$\{SERVICE\}/, 'the image serves the service it was built for');
    assert.match(env, /HOST=0\.0\.0\.0/);
    assert.match(env, /SERVICE_PORT=8080/);
  });

  it('starts the shop with the same V8 flags as the image (npm start, serve, agora)', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'serve', 'agora']) assert.ok(scripts[name]!.includes(`node ${NODE_FLAGS.join(' ')} apps/cli/src/agora.ts`), `npm run ${name}: ${scripts[name]}`);
  });

  it("leaves out what the runtime doesn't need", () => {
    const copied = finalStage()
      .filter((instruction) => instruction.getKeyword() === 'COPY')
      .flatMap((copy) => argumentsOf(copy).filter((value) => !value.startsWith('--')).slice(0, -1));
    for (const unwanted of ['.', 'test', 'bench', 'scripts', 'deploy', 'data']) assert.ok(!copied.includes(unwanted), `the image copies ${unwanted}`);
  });
});
