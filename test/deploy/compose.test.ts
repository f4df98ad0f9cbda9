/**
 * deploy/compose.yaml without a container engine: every workload of topology.ts runs from its
 * own image with the environment it needs, waits for what it depends on, and everything the file
 * mounts exists. (The compose plugin is not installed here; the GitHub workflow's runners have it.)
 */
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseServiceTokenKey } from '@agora/chassis/split';
import { services } from '../../topology.ts';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

const ROOT = join(import.meta.dirname, '..', '..');
const DEPLOY = join(ROOT, 'deploy');
const FILE = join(DEPLOY, 'compose.yaml');
// Compose resolves YAML merge keys (`<<: *service`); so must the parse.
const compose = parse(readFileSync(FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const VERSION = '${AGORA_VERSION:-0.1.0}';
const names = services.map((service) => service.name);
const workloads = ['gateway', ...names];

function serviceOf(name: string): ComposeService {
  const service = compose.services[name];
  assert.ok(service, `compose.yaml has no service ${name}`);
  return service;
}

describe('deploy/compose.yaml', () => {
  it('runs every workload from its own image, built from deploy/Dockerfile', () => {
    for (const name of workloads) {
      const service = serviceOf(name);
      assert.equal(service.image, `agora/${name}:${VERSION}`);
      assert.deepEqual(service.build, { context: '..', dockerfile: 'deploy/Dockerfile', args: { SERVICE: name, VERSION } }, name);
    }
    assert.ok(existsSync(join(DEPLOY, 'Dockerfile')));
  });

  it('gives every workload its database, the bus, the collector and a health check', () => {
    for (const name of workloads) {
      const { environment = {}, healthcheck } = serviceOf(name);
      assert.equal(environment.DATABASE_URL, `postgres://agora:agora@postgres:5432/${name}`, name);
      assert.equal(environment.NATS_URL, 'nats://nats:4222', name);
      assert.equal(environment.HOST, '0.0.0.0', name);
      assert.equal(environment.OTEL_EXPORTER_OTLP_ENDPOINT, 'http://otel-collector:4318', name);
      assert.ok(healthcheck?.test.join(' ').includes('/healthz'), `${name} is checked on /healthz`);
    }
    for (const name of names) {
      const { environment = {} } = serviceOf(name);
      assert.equal(environment.SERVICE_PORT, '8080', name);
      // A name shared by scaled replicas would make them one instance in discovery: each announces its own IP.
      assert.equal(environment.ADVERTISE_HOST, undefined, `${name} must not announce a shared name`);
      assert.equal(environment.HOST, '0.0.0.0', name);
    }
    const gateway = serviceOf('gateway');
    assert.equal(gateway.environment?.PORT, '8080');
    assert.equal(gateway.environment?.REDIS_URL, 'redis://redis:6379');
    assert.ok(gateway.ports?.includes('8080:8080'), 'the gateway is published on 8080');
  });

  it('gives every workload the same Ed25519 service-token key', () => {
    const keys = new Set(workloads.map((name) => serviceOf(name).environment?.SERVICE_TOKEN_KEY));
    assert.equal(keys.size, 1, 'one key for the deployment');
    const [key] = keys;
    assert.ok(key, 'SERVICE_TOKEN_KEY is set');
    assert.doesNotThrow(() => parseServiceTokenKey(key));
  });

  it('creates a database for every workload', () => {
    const sql = readFileSync(join(DEPLOY, 'compose', 'create-databases.sql'), 'utf8');
    const created = [...sql.matchAll(/^CREATE DATABASE (\w+)/gm)].map((match) => match[1]).sort();
    assert.deepEqual(created, [...workloads].sort());
  });

  it('points every URL at a service of the file', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!/^[a-z]+:\/\//.test(value)) continue;
        assert.ok(compose.services[new URL(value).hostname], `${name}: ${key} points at ${new URL(value).hostname}, which compose.yaml does not run`);
      }
    }
  });

  it('waits only for services that exist, and for health only where there is a check', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        assert.ok(compose.services[target], `${name} depends on ${target}, which compose.yaml does not run`);
        if (condition === 'service_healthy') assert.ok(compose.services[target]!.healthcheck, `${name} waits for ${target} to be healthy, but it has no health check`);
      }
    }
    for (const name of workloads) {
      const dependsOn = serviceOf(name).depends_on ?? {};
      assert.equal(dependsOn.postgres?.condition, 'service_healthy', name);
      assert.equal(dependsOn.nats?.condition, 'service_healthy', name);
    }
  });

  it('mounts only files of the repository', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (!source!.startsWith('.')) continue;
        assert.ok(existsSync(resolve(DEPLOY, source!)), `${name} mounts ${source}, which does not exist`);
      }
    }
  });

  it('pins every image to a version', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const tag = service.image?.split(':').slice(1).join(':') ?? '';
      assert.match(tag, /\d/, `${name}: ${service.image} has no version tag`);
      assert.doesNotMatch(tag, /latest/, `${name}: ${service.image}`);
    }
  });
});
