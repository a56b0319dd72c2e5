#!/usr/bin/env node
// The first-boot agent: runs one step of this host's first-boot.json — join a Raft group (or bootstrap
// it), create the initial IAM administrator, or check health — retrying with backoff, writing the
// step's marker only on success, and logging one JSON object per line to stdout.
// Usage: agent.mjs --config FILE --step NAME --state-dir DIR. Exit 0: done (or done before);
// 1: the step failed after its last attempt (systemd restarts it); 2: bad arguments or configuration.
// Secrets are systemd credentials: the file $CREDENTIALS_DIRECTORY/<name> (LoadCredential= of the unit).
// Plain JavaScript for Node 20+, no dependencies. The HTTP contract it speaks and the operator guide
// are in docs/first-boot.md.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const EXIT = { ok: 0, failed: 1, invalid: 2 };
const USAGE = 'usage: agent.mjs --config FILE --step NAME --state-dir DIR';
const CONFIG_VERSION = 2;
const SNIPPET_CHARS = 200;

/** One attempt failed; the next attempt may succeed. */
class AttemptError extends Error {}
/** The arguments or the configuration are wrong; no attempt can succeed. */
class InvalidError extends Error {}

// ---------------------------------------------------------------------------------------------
// Log: one JSON object per line, always with the same fields; secret values never appear.

const logContext = { host: null, step: null };
const secretValues = new Set();

/**
 * outcome: progress (inside an attempt), success, retry (the attempt failed, another follows),
 * failed (the last attempt failed, or a precondition), skipped (marker present), invalid.
 */
function log(attempt, outcome, message, error = null, extra = {}) {
  const entry = { timestamp: new Date().toISOString(), host: logContext.host, step: logContext.step, attempt, outcome, message: redact(message), error: redact(error), ...redact(extra) };
  process.stdout.write(`${JSON.stringify(entry)}\n`);
}

/** Secret values out of every string value (keys are the agent's own and never hold one). */
function redact(value) {
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secretValues) text = text.split(secret).join('[redacted]');
    return text;
  }
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redact(inner)]));
  return value;
}

// ---------------------------------------------------------------------------------------------
// Arguments and configuration.

function parseArguments(argv) {
  const names = { '--config': 'config', '--step': 'step', '--state-dir': 'stateDir' };
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (key === undefined) throw new InvalidError(`unknown argument ${JSON.stringify(argv[i])}; ${USAGE}`);
    if (args[key] !== undefined) throw new InvalidError(`${argv[i]} given twice; ${USAGE}`);
    const value = argv[i + 1];
    if (value === undefined || value === '' || value.startsWith('--')) throw new InvalidError(`${argv[i]} needs a value; ${USAGE}`);
    args[key] = value;
  }
  for (const [flag, key] of Object.entries(names)) if (args[key] === undefined) throw new InvalidError(`${flag} is required; ${USAGE}`);
  return args;
}

function loadConfig(file) {
  let config;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidError(`cannot read ${file}: ${error.message}`);
  }
  const problem = configProblem(config);
  if (problem) throw new InvalidError(`${file}: ${problem}`);
  return config;
}

/** The checks the agent relies on; schema/first-boot.schema.json describes the file in full. */
function configProblem(config) {
  const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
  const isName = (v) => typeof v === 'string' && /^[a-z][a-z0-9-]{0,62}$/.test(v);
  if (!isObject(config)) return 'not a JSON object';
  if (config.version !== CONFIG_VERSION) return `version ${JSON.stringify(config.version)} is not ${CONFIG_VERSION}; this agent is older or newer than the compiler that wrote the file`;
  if (!isName(config.host)) return 'host is missing';
  const retry = config.retry;
  if (!isObject(retry)) return 'retry is missing';
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) return 'retry.attempts must be a whole number of at least 1';
  for (const key of ['delaySeconds', 'backoff', 'maxDelaySeconds', 'timeoutSeconds']) {
    if (typeof retry[key] !== 'number' || !(retry[key] >= 0)) return `retry.${key} must be a number of at least 0`;
  }
  if (retry.timeoutSeconds <= 0 || retry.backoff < 1) return 'retry.timeoutSeconds must be above 0 and retry.backoff at least 1';
  if (!Array.isArray(config.raft) || !Array.isArray(config.health) || !Array.isArray(config.steps)) return 'raft, health and steps must be lists';
  for (const group of config.raft) {
    if (!isObject(group) || !isName(group.service) || !Array.isArray(group.peers) || group.peers.length === 0) return 'a raft entry lacks its service or peers';
    if (group.mode === 'voter' && !group.peers.some((p) => p.name === config.host)) return `${group.service}: this host votes but is not among the peers`;
  }
  for (const step of config.steps) {
    if (!isObject(step) || !isName(step.name) || !Array.isArray(step.after)) return 'a step lacks its name or after list';
    if (step.kind === 'raft-join' && !config.raft.some((g) => g.service === step.service)) return `step ${step.name} names Raft service ${step.service}, which has no raft entry`;
    if (step.kind === 'iam-setup' && !isObject(config.iam)) return `step ${step.name} needs the iam settings`;
    if (!['raft-join', 'iam-setup', 'health-check'].includes(step.kind)) return `step ${step.name} has unknown kind ${JSON.stringify(step.kind)}`;
  }
  return undefined;
}

/**
 * Reads a secret at run time from the credential systemd passed to this unit ($CREDENTIALS_DIRECTORY,
 * systemd.exec(5)), and redacts it from the log. One trailing newline is dropped.
 */
function readSecret(name) {
  const directory = process.env.CREDENTIALS_DIRECTORY;
  if (!directory) throw new AttemptError(`secret ${name}: no $CREDENTIALS_DIRECTORY; run the step through its systemd unit (or fleet-first-boot), which loads it with LoadCredential=`);
  let value;
  try {
    value = readFileSync(path.join(directory, name), 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new AttemptError(`cannot read credential ${name} from $CREDENTIALS_DIRECTORY (${error.code ?? error.message})`);
  }
  if (value === '') throw new AttemptError(`secret ${name} is empty`);
  secretValues.add(value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// HTTP: every request has the policy's timeout; answers must be JSON objects.

function baseUrl(address, port) {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

function snippet(text) {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > SNIPPET_CHARS ? `${flat.slice(0, SNIPPET_CHARS)}…` : flat;
}

function describeFetchError(error, timeoutSeconds) {
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') return `no answer within ${timeoutSeconds}s (timed out)`;
  const cause = error?.cause;
  if (cause?.code) return cause.message && !cause.message.includes(cause.code) ? `${cause.message} (${cause.code})` : String(cause.message || cause.code);
  return error?.message ?? String(error);
}

async function fetchText(config, method, url, { body, headers = {} } = {}) {
  const timeoutSeconds = config.retry.timeoutSeconds;
  try {
    const response = await fetch(url, {
      method,
      headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutSeconds * 1000),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    throw new AttemptError(`${method} ${url}: ${describeFetchError(error, timeoutSeconds)}`);
  }
}

/** A membership or IAM call: bearer token if configured, a status in `accept`, a JSON object back. */
async function call(config, method, url, body, accept = [200]) {
  const headers = config.joinToken ? { authorization: `Bearer ${readSecret(config.joinToken)}` } : {};
  const { status, text } = await fetchText(config, method, url, { body, headers });
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  if (!accept.includes(status)) {
    const reason = typeof data?.error === 'string' ? data.error : snippet(text);
    throw new AttemptError(`${method} ${url}: HTTP ${status}${reason ? `: ${reason}` : ''}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new AttemptError(`${method} ${url}: HTTP ${status} but the body is not a JSON object: ${JSON.stringify(snippet(text))}`);
  }
  return { status, data };
}

function expectShape(ok, method, url, what) {
  if (!ok) throw new AttemptError(`${method} ${url}: unexpected answer: ${what}`);
}

async function clusterStatus(config, peer) {
  const url = `${baseUrl(peer.address, peer.ports.api)}/cluster/v1/status`;
  const { data } = await call(config, 'GET', url);
  expectShape(typeof data.member === 'boolean', 'GET', url, 'member is not true or false');
  expectShape(!data.member || typeof data.clusterId === 'string', 'GET', url, 'a member without a clusterId');
  expectShape(data.leader === undefined || data.leader === null || typeof data.leader === 'string', 'GET', url, 'leader is not a name or null');
  return { member: data.member, clusterId: data.clusterId ?? null, leader: data.leader ?? null };
}

/** Every peer's status at once; an unreachable peer is an answer too. */
async function askPeers(config, peers) {
  return Promise.all(peers.map(async (peer) => {
    try {
      return { peer, status: await clusterStatus(config, peer) };
    } catch (error) {
      return { peer, error: error.message };
    }
  }));
}

function unreachableText(answers) {
  const down = answers.filter((a) => a.error !== undefined);
  return down.length ? `; unreachable: ${down.map((a) => `${a.peer.name} (${a.error})`).join(', ')}` : '';
}

/** Prefer the member the members call leader. */
function pickMember(members) {
  return members.find((a) => a.status.leader === a.peer.name) ?? members[0];
}

// ---------------------------------------------------------------------------------------------
// Steps.

async function raftJoin(config, step, progress) {
  const group = config.raft.find((g) => g.service === step.service);
  if (group.mode !== 'voter') return registerClient(config, group, progress);
  const self = group.peers.find((p) => p.name === config.host);
  const local = await clusterStatus(config, self);
  if (local.member) return { message: `already a member of ${group.service} cluster ${local.clusterId}`, details: { action: 'none', clusterId: local.clusterId } };

  const answers = await askPeers(config, group.peers.filter((p) => p !== self));
  const members = answers.filter((a) => a.status?.member);
  const identity = { name: self.name, address: self.address, raftPort: self.ports.raft };
  if (members.length > 0) {
    // Join whatever cluster exists, even on the bootstrap host: a second cluster would split the group.
    const via = pickMember(members);
    progress(`joining ${group.service} cluster ${via.status.clusterId} through ${via.peer.name}`);
    const membersUrl = `${baseUrl(via.peer.address, via.peer.ports.api)}/cluster/v1/members`;
    const added = await call(config, 'POST', membersUrl, identity);
    expectShape(typeof added.data.clusterId === 'string' && Array.isArray(added.data.members), 'POST', membersUrl, 'no clusterId and members');
    await call(config, 'POST', `${baseUrl(self.address, self.ports.api)}/cluster/v1/join`, { clusterId: added.data.clusterId, members: added.data.members });
    return { message: `joined ${group.service} cluster ${added.data.clusterId} through ${via.peer.name}`, details: { action: 'join', clusterId: added.data.clusterId, via: via.peer.name } };
  }
  if (group.bootstrap !== config.host) {
    throw new AttemptError(`no ${group.service} cluster to join yet: waiting for ${group.bootstrap} to bootstrap it${unreachableText(answers)}`);
  }
  // Only the bootstrap host creates a cluster, and only when enough voters say they are fresh that
  // the others could not hold a quorum of an existing one.
  const fresh = 1 + answers.filter((a) => a.status && !a.status.member).length;
  const quorum = Math.floor(group.peers.length / 2) + 1;
  if (fresh < quorum) {
    throw new AttemptError(`cannot rule out an existing ${group.service} cluster: ${fresh} of ${group.peers.length} voters answered as fresh, ${quorum} needed${unreachableText(answers)}`);
  }
  progress(`no ${group.service} peer is a member and ${fresh} of ${group.peers.length} voters are fresh: bootstrapping a new cluster`);
  const bootstrapUrl = `${baseUrl(self.address, self.ports.api)}/cluster/v1/bootstrap`;
  const created = await call(config, 'POST', bootstrapUrl, identity);
  expectShape(typeof created.data.clusterId === 'string', 'POST', bootstrapUrl, 'no clusterId');
  return { message: `bootstrapped a new ${group.service} cluster ${created.data.clusterId}`, details: { action: 'bootstrap', clusterId: created.data.clusterId } };
}

async function registerClient(config, group, progress) {
  const answers = await askPeers(config, group.peers);
  const members = answers.filter((a) => a.status?.member && a.status.leader !== null);
  if (members.length === 0) throw new AttemptError(`no ${group.service} voter answers as a member of a cluster with a leader yet${unreachableText(answers)}`);
  const via = pickMember(members);
  progress(`registering with ${group.service} cluster ${via.status.clusterId} through ${via.peer.name}`);
  const url = `${baseUrl(via.peer.address, via.peer.ports.api)}/cluster/v1/clients`;
  const { data } = await call(config, 'POST', url, { name: config.host, address: config.address });
  expectShape(typeof data.clusterId === 'string', 'POST', url, 'no clusterId');
  return { message: `registered with ${group.service} cluster ${data.clusterId} through ${via.peer.name} as a client`, details: { action: 'register', clusterId: data.clusterId, via: via.peer.name } };
}

async function iamSetup(config) {
  const iam = config.iam;
  const base = baseUrl(iam.address, iam.port);
  const statusUrl = `${base}/iam/v1/status`;
  const { data } = await call(config, 'GET', statusUrl);
  expectShape(typeof data.initialized === 'boolean', 'GET', statusUrl, 'initialized is not true or false');
  if (data.initialized) return { message: 'IAM is already initialized; nothing to do', details: { action: 'none' } };
  const password = readSecret(iam.adminPassword);
  const { status } = await call(config, 'POST', `${base}/iam/v1/bootstrap`, { adminUser: iam.adminUser, adminPassword: password }, [200, 201, 409]);
  if (status === 409) return { message: 'IAM was initialized by someone else meanwhile; nothing to do', details: { action: 'none' } };
  return { message: `created the initial IAM administrator ${iam.adminUser}`, details: { action: 'create', adminUser: iam.adminUser } };
}

function tcpCheck(address, port, timeoutSeconds) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address, port, timeout: timeoutSeconds * 1000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`tcp ${address}:${port}: no connection within ${timeoutSeconds}s`));
    });
    socket.once('error', (error) => reject(new Error(`tcp ${address}:${port}: ${error.code ?? error.message}`)));
  });
}

async function healthCheck(config) {
  const checks = [
    ...config.health.map((check) => ({
      name: check.service,
      run: async () => {
        if (check.kind === 'tcp') return tcpCheck(check.address, check.port, config.retry.timeoutSeconds);
        const url = `${baseUrl(check.address, check.port)}${check.path}`;
        const { status, text } = await fetchText(config, 'GET', url);
        if (status < 200 || status > 299) throw new Error(`GET ${url}: HTTP ${status}${text ? `: ${snippet(text)}` : ''}`);
      },
    })),
    ...config.raft.filter((g) => g.mode === 'voter').map((group) => ({
      name: `${group.service} membership`,
      run: async () => {
        const status = await clusterStatus(config, group.peers.find((p) => p.name === config.host));
        if (!status.member) throw new Error('this host is not a member of a cluster');
        if (status.leader === null) throw new Error(`cluster ${status.clusterId} has no leader`);
      },
    })),
  ];
  const results = await Promise.all(checks.map(async (check) => {
    try {
      await check.run();
      return undefined;
    } catch (error) {
      return `${check.name}: ${error.message}`;
    }
  }));
  const failures = results.filter((r) => r !== undefined);
  if (failures.length > 0) throw new AttemptError(`${failures.length} of ${checks.length} health checks failed: ${failures.join('; ')}`);
  return { message: `all ${checks.length} health checks passed`, details: { checks: checks.map((c) => c.name) } };
}

const STEPS = { 'raft-join': raftJoin, 'iam-setup': iamSetup, 'health-check': healthCheck };

// ---------------------------------------------------------------------------------------------
// The run: marker, preconditions, attempts with backoff.

/** The wait after attempt n (1-based): delaySeconds × backoff^(n-1), at most maxDelaySeconds. */
function delayAfter(attempt, retry) {
  const seconds = Math.min(retry.maxDelaySeconds, retry.delaySeconds * retry.backoff ** (attempt - 1));
  return Math.round(seconds * 1000) / 1000;
}

function markerPath(stateDir, step) {
  return path.join(stateDir, `${step}.done`);
}

function writeMarker(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(contents)}\n`);
  renameSync(temporary, file);
}

async function run(argv) {
  let args;
  let config;
  try {
    args = parseArguments(argv);
    logContext.step = args.step;
    config = loadConfig(args.config);
  } catch (error) {
    if (!(error instanceof InvalidError)) throw error;
    log(0, 'invalid', 'the agent cannot start', error.message);
    return EXIT.invalid;
  }
  logContext.host = config.host;
  const step = config.steps.find((s) => s.name === args.step);
  if (!step) {
    log(0, 'invalid', 'the agent cannot start', `${args.config} has no step ${args.step} (steps: ${config.steps.map((s) => s.name).join(', ')})`);
    return EXIT.invalid;
  }
  const marker = markerPath(args.stateDir, step.name);
  if (existsSync(marker)) {
    log(0, 'skipped', `already completed (marker ${marker}); remove the marker to run the step again`);
    return EXIT.ok;
  }
  const pending = step.after.filter((name) => !existsSync(markerPath(args.stateDir, name)));
  if (pending.length > 0) {
    log(0, 'failed', 'an earlier step has not completed', `run ${pending.join(', ')} first (no marker ${pending.map((name) => markerPath(args.stateDir, name)).join(', ')})`);
    return EXIT.failed;
  }

  const { attempts } = config.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await STEPS[step.kind](config, step, (message) => log(attempt, 'progress', message));
      writeMarker(marker, { host: config.host, step: step.name, completedAt: new Date().toISOString(), attempt, message: result.message });
      log(attempt, 'success', result.message, null, { details: result.details });
      return EXIT.ok;
    } catch (error) {
      const reason = error instanceof AttemptError ? error.message : `unexpected: ${error?.stack ?? error}`;
      if (attempt >= attempts) {
        log(attempt, 'failed', `giving up after ${attempts} attempt${attempts === 1 ? '' : 's'}`, reason);
        return EXIT.failed;
      }
      const delaySeconds = delayAfter(attempt, config.retry);
      log(attempt, 'retry', `attempt ${attempt} of ${attempts} failed; next in ${delaySeconds}s`, reason, { delaySeconds });
      await new Promise((resolve) => setTimeout(resolve, delaySeconds * 1000));
    }
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    log(0, 'failed', 'internal error', String(error?.stack ?? error));
    process.exit(EXIT.failed);
  },
);
