/**
 * Writes deploy/k8s/base/generated/ from the contract graph: a Deployment and a Service per workload,
 * a default-deny NetworkPolicy and each workload's call policy; and the optional Linkerd component
 * components/linkerd-mtls/ (mesh identities and call policies from the same graph). `--check` writes
 * nothing and exits 1 listing the files that differ, so CI catches a graph change that was not regenerated.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { publicContracts } from '../../apps/gateway/src/routes-table.ts';
import { services } from '../../topology.ts';
import { driftOf, writeFiles } from './generator/files.ts';
import { generatedFiles, linkerdComponentFiles } from './generator/manifests.ts';
import { workloadsOf } from './generator/workloads.ts';

const root = join(import.meta.dirname, '..', '..');
const dir = join(import.meta.dirname, 'base', 'generated');
const meshDir = join(import.meta.dirname, 'components', 'linkerd-mtls');
// Images are tagged with the shop's release; an overlay's `images:` picks another.
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const workloads = workloadsOf(services, publicContracts);
const files = generatedFiles(workloads, version);
const meshFiles = linkerdComponentFiles(workloads);

if (process.argv.includes('--check')) {
  const drift = [...driftOf(dir, files), ...driftOf(meshDir, meshFiles)];
  if (drift.length > 0) {
    console.error(`deploy/k8s: out of date with topology.ts; run sh scripts/with-node24.sh node deploy/k8s/generate.ts\n${drift.map((path) => `  ${relative(root, path)}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    console.log('deploy/k8s: up to date with topology.ts');
  }
} else {
  writeFiles(dir, files);
  writeFiles(meshDir, meshFiles);
  console.log(`deploy/k8s: wrote ${files.length} files to ${relative(root, dir)} and ${meshFiles.length} to ${relative(root, meshDir)}`);
}
