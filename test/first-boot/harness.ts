// Runs the real first-boot agent (nix/first-boot/agent.mjs) against fake services: compiles a test
// fleet with the real emitter, points its first-boot.json at the fakes on 127.0.0.1, spawns node.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FirstBootConfig } from '../../src/emit/first-boot.ts';
import type { RetryPolicy } from '../../src/model/fleet.ts';
import { compileFleet, makeFleet } from '../helpers/fleet.ts';
import { MINIMAL_FLEET, REPO_ROOT } from '../helpers/paths.ts';
import type { FakePlatform } from './fake-platform.ts';

export const AGENT = `${REPO_ROOT}nix/first-boot/agent.mjs`;
export const LOOPBACK = '127.0.0.1';
export const JOIN_TOKEN_ENV = 'FLEET_TEST_JOIN_TOKEN';

/** Short waits so the whole suite stays fast; tests override what they measure. */
export const TEST_RETRY: RetryPolicy = { attempts: 10, delaySeconds: 0.05, backoff: 2, maxDelaySeconds: 0.25, timeoutSeconds: 0.5 };

/** The documented fields of every log line (docs/first-boot.md), and the closed set of outcomes. */
export const LOG_FIELDS = ['timestamp', 'host', 'step', 'attempt', 'outcome', 'message', 'error'] as const;
export const OUTCOMES = ['progress', 'success', 'retry', 'failed', 'skipped', 'invalid'] as const;

export interface LogLine {
  timestamp: string;
  host: string | null;
  step: string | null;
  attempt: number;
  outcome: (typeof OUTCOMES)[number];
  message: string;
  error: string | null;
  delaySeconds?: number;
  details?: Record<string, unknown>;
}

/**
 * The minimal fleet with first boot configured: IAM with a file secret, a join token from the
 * environment, health checks on every service, cp-1 named as bootstrap host.
 */
export function testFleetYaml(): string {
  const minimal = readFileSync(`${MINIMAL_FLEET}/fleet.yaml`, 'utf8');
  const replaced = minimal
    .replace('flaredb: { raft: true, ports: { api: 2479, raft: 2480 }, after: [chainfire] }', 'flaredb: { raft: true, ports: { api: 2479, raft: 2480 }, health: { http: /health }, after: [chainfire] }')
    .replace('novanet: { ports: { api: 7080 } }', 'novanet: { ports: { api: 7080 }, health: { http: /health } }')
    .replace('core: {}', 'core: { bootstrap: cp-1 }')
    .replace('adminPassword: { file: /run/secrets/admin }', `adminPassword: { file: /run/secrets/admin }\n  joinToken: { env: ${JOIN_TOKEN_ENV} }`);
  assert.notEqual(replaced, minimal);
  return `${replaced}firstBoot:\n  joinToken: joinToken\n  iam: { adminPassword: adminPassword }\n`;
}

/** Every host's first-boot.json as the compiler emits it for the test fleet. */
export async function compiledConfigs(root: string, fleetYaml = testFleetYaml()): Promise<Map<string, FirstBootConfig>> {
  const result = await compileFleet(makeFleet(root, { 'fleet.yaml': fleetYaml }));
  assert.ok(result.artifacts, `test fleet does not compile: ${result.diagnostics.map((d) => `${d.code} ${d.message}`).join('; ')}`);
  const configs = new Map<string, FirstBootConfig>();
  for (const artifact of result.artifacts) {
    const match = /^hosts\/([^/]+)\/first-boot\.json$/.exec(artifact.path);
    if (match) configs.set(match[1]!, JSON.parse(artifact.contents) as FirstBootConfig);
  }
  return configs;
}

/** The host's config with every address and port pointed at the fakes, and the test's policy. */
export async function localize(config: FirstBootConfig, platform: FakePlatform, options: { retry?: Partial<RetryPolicy> } = {}): Promise<FirstBootConfig> {
  const local = structuredClone(config);
  if (local.address !== undefined) local.address = LOOPBACK;
  for (const group of local.raft) {
    for (const peer of group.peers) {
      const node = await platform.node(group.service, peer.name);
      peer.address = LOOPBACK;
      peer.ports = { api: node.port, raft: node.port };
    }
  }
  for (const check of local.health) {
    check.address = LOOPBACK;
    check.port = (await platform.node(check.service, local.host)).port;
  }
  if (local.iam) {
    local.iam.address = LOOPBACK;
    local.iam.port = (await platform.node(local.iam.service, local.host)).port;
  }
  local.retry = { ...TEST_RETRY, ...options.retry };
  return local;
}

export interface AgentRun {
  host: string;
  step: string;
  exitCode: number;
  lines: LogLine[];
  stdout: string;
  stderr: string;
  milliseconds: number;
}

/** Every agent's output, for the test that checks all log lines of the suite. */
export const ALL_RUNS: AgentRun[] = [];

export interface Host {
  config: FirstBootConfig;
  /** This host's directory: config file and state (markers). */
  dir: string;
  stateDir: string;
  /** What systemd's LoadCredential= would give the unit: one file per secret ($CREDENTIALS_DIRECTORY). */
  credentialsDir: string;
}

/** A host's directory with its config, and its credentials as files (values by secret name). */
export function prepareHost(root: string, config: FirstBootConfig, credentials: Record<string, string> = {}): Host {
  const dir = path.join(root, config.host);
  const stateDir = path.join(dir, 'state');
  const credentialsDir = path.join(dir, 'credentials');
  mkdirSync(credentialsDir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'first-boot.json'), `${JSON.stringify(config, null, 2)}\n`);
  for (const [name, value] of Object.entries(credentials)) writeFileSync(path.join(credentialsDir, name), `${value}\n`, { mode: 0o400 });
  return { config, dir, stateDir, credentialsDir };
}

/** Spawns the real agent for one step; every line of its stdout must be a log object. */
export function runAgent(host: Host, step: string, options: { env?: Record<string, string>; args?: string[] } = {}): Promise<AgentRun> {
  const args = options.args ?? ['--config', path.join(host.dir, 'first-boot.json'), '--step', step, '--state-dir', host.stateDir];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AGENT, ...args], { env: { PATH: process.env.PATH ?? '', CREDENTIALS_DIRECTORY: host.credentialsDir, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const run: AgentRun = { host: host.config.host, step, exitCode: code ?? -1, lines: stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as LogLine), stdout, stderr, milliseconds: performance.now() - started };
      ALL_RUNS.push(run);
      resolve(run);
    });
  });
}

export function last(run: AgentRun): LogLine {
  return run.lines[run.lines.length - 1]!;
}

export function describeRun(run: AgentRun): string {
  return `${run.host} ${run.step} exited ${run.exitCode}:\n${run.stdout}${run.stderr}`;
}

export const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));
