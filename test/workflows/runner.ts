// Runs one job of a workflow the way GitHub's runner does, on this machine: every step in order,
// `run:` steps as bash scripts with GitHub's environment files (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH,
// GITHUB_STEP_SUMMARY), `${{ }}` expressions over the github, env, inputs, secrets, vars, steps,
// runner and job contexts, `if:` with the status functions, composite actions expanded, and the
// actions the workflows pin simulated from their own sources (see uses.ts). Cancellation is the
// runner's: SIGINT to the step's process, SIGTERM 7.5 s later, the process tree killed 2.5 s after
// that; then only steps whose if: allows it (always(), cancelled()) run.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { condition, interpolate, stringify, type Scope, type Value } from './expressions.ts';
import { simulatedAction, type ActionHost } from './uses.ts';

export interface StepSpec {
  name?: string;
  id?: string;
  if?: string | boolean;
  run?: string;
  uses?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'working-directory'?: string;
}

export interface JobSpec {
  'runs-on': unknown;
  environment?: string | { name: string };
  permissions?: Record<string, string> | string;
  'timeout-minutes'?: number;
  env?: Record<string, unknown>;
  steps: StepSpec[];
}

export interface WorkflowSpec {
  name: string;
  on: unknown;
  permissions?: Record<string, string> | string;
  env?: Record<string, unknown>;
  jobs: Record<string, JobSpec>;
}

export interface StepRecord {
  name: string;
  /** Nested composite steps are named "outer › inner". */
  outcome: 'success' | 'failure' | 'skipped' | 'cancelled';
  exitCode?: number;
  output: string;
}

export interface JobResult {
  conclusion: 'success' | 'failure' | 'cancelled';
  steps: StepRecord[];
  /** The job summary: every step's GITHUB_STEP_SUMMARY, in order. */
  summary: string;
  /** ::error / ::warning workflow commands the steps printed. */
  annotations: string[];
  log: string;
}

export interface RunOptions {
  workflowFile: string;
  job: string;
  eventName: string;
  event: Record<string, unknown>;
  /** github.ref and github.sha of the run (GitHub sets them per event). */
  ref: string;
  sha: string;
  repository: string;
  /** The runner's own environment (PATH and whatever the machine has). */
  env: Record<string, string>;
  /** Repository secrets, and the secrets of each deployment environment. */
  secrets?: Record<string, string>;
  environments?: Record<string, Record<string, string>>;
  vars?: Record<string, string>;
  /** The token GitHub issues for this job (its permissions come from the job's permissions:). */
  token: string;
  host: ActionHost;
  /** A directory of the runner's own: workspace, temp, artifacts. */
  runnerDir: string;
  /** Cancel the run while a step runs, once this resolves (e.g. when the deploy lock is taken). */
  cancel?: { step: (name: string) => boolean; when: () => Promise<void> };
}

/** A running step's process, as the cancellation sees it. */
interface Child {
  pid: number;
  finished: () => boolean;
}

interface Frame {
  /** The steps context of this level (the job, or a composite action). */
  steps: Record<string, Value>;
  inputs: Record<string, Value>;
  actionPath?: string;
  env: Record<string, string>;
}

export class JobRunner {
  private readonly workspace: string;
  private readonly temp: string;
  private readonly envFile: string;
  private readonly pathFile: string;
  private readonly status = { failed: false, cancelled: false };
  private readonly records: StepRecord[] = [];
  private readonly exported: Record<string, string> = {};
  private readonly addedPath: string[] = [];
  private summary = '';
  private readonly annotations: string[] = [];
  private log = '';
  private stepCount = 0;
  private readonly workflow: WorkflowSpec;
  private readonly jobSpec: JobSpec;
  private readonly secrets: Record<string, string>;

  constructor(private readonly options: RunOptions) {
    this.workflow = parse(readFileSync(options.workflowFile, 'utf8')) as WorkflowSpec;
    const job = this.workflow.jobs[options.job];
    if (!job) throw new Error(`no job ${options.job} in ${options.workflowFile}`);
    this.jobSpec = job;
    this.workspace = path.join(options.runnerDir, 'work', path.basename(options.repository));
    this.temp = path.join(options.runnerDir, 'temp');
    for (const dir of [this.workspace, this.temp]) mkdirSync(dir, { recursive: true });
    this.envFile = path.join(this.temp, 'github_env');
    this.pathFile = path.join(this.temp, 'github_path');
    const environment = typeof job.environment === 'string' ? job.environment : job.environment?.name;
    // Environment secrets exist only for a job that names the environment.
    this.secrets = { ...(options.secrets ?? {}), ...(environment ? (options.environments?.[environment] ?? {}) : {}), GITHUB_TOKEN: options.token };
  }

  get workspaceDir(): string {
    return this.workspace;
  }

  async run(): Promise<JobResult> {
    const frame: Frame = { steps: {}, inputs: this.workflowInputs(), env: {} };
    let cancelTimer: Promise<void> | undefined;
    for (const step of this.jobSpec.steps) {
      await this.step(step, frame, '', (name, child) => {
        if (!this.options.cancel || cancelTimer || !this.options.cancel.step(name)) return;
        cancelTimer = this.options.cancel.when().then(() => this.cancel(child));
      });
    }
    const conclusion = this.status.cancelled ? 'cancelled' : this.status.failed ? 'failure' : 'success';
    return { conclusion, steps: this.records, summary: this.summary, annotations: this.annotations, log: this.log };
  }

  /** The runner's cancellation of the step process: SIGINT, SIGTERM after 7.5 s, the tree killed after 2.5 s more. */
  private cancel(child: Child): void {
    if (child.finished()) return;
    this.status.cancelled = true;
    const signal = (name: NodeJS.Signals, group: boolean) => {
      if (child.finished()) return;
      try {
        process.kill(group ? -child.pid : child.pid, name);
      } catch {
        // gone already
      }
    };
    signal('SIGINT', false);
    setTimeout(() => signal('SIGTERM', false), 7_500).unref();
    setTimeout(() => signal('SIGKILL', true), 10_000).unref();
  }

  private workflowInputs(): Record<string, Value> {
    return ((this.options.event.inputs as Record<string, Value> | undefined) ?? {}) as Record<string, Value>;
  }

  private scope(frame: Frame, extraEnv: Record<string, string> = {}): Scope {
    const github: Record<string, Value> = {
      event: this.options.event as Value,
      event_name: this.options.eventName,
      ref: this.options.ref,
      ref_name: this.options.ref.replace(/^refs\/(heads|tags)\//, ''),
      sha: this.options.sha,
      repository: this.options.repository,
      repository_owner: this.options.repository.split('/')[0]!,
      base_ref: ((this.options.event.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref ?? '') as string,
      head_ref: ((this.options.event.pull_request as { head?: { ref?: string } } | undefined)?.head?.ref ?? '') as string,
      token: this.options.token,
      workspace: this.workspace,
      action_path: frame.actionPath ?? '',
      run_id: '4242',
      run_attempt: '1',
      server_url: 'https://github.com',
      api_url: this.options.host.apiUrl,
      job: this.options.job,
    };
    const env = { ...this.plainMap(this.workflow.env), ...this.plainMap(this.jobSpec.env), ...this.exported, ...frame.env, ...extraEnv };
    return {
      status: this.status,
      contexts: {
        github,
        env,
        inputs: frame.inputs,
        secrets: this.secrets,
        vars: this.options.vars ?? {},
        steps: frame.steps,
        runner: { os: 'Linux', arch: 'X64', temp: this.temp, name: 'simulated-runner', environment: 'self-hosted' },
        job: { status: this.status.cancelled ? 'cancelled' : this.status.failed ? 'failure' : 'success' },
      },
    };
  }

  /** Workflow and job env as written (fleetc's workflows put no expressions there). */
  private plainMap(map: Record<string, unknown> | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, String(v)]));
  }

  private stringMap(map: Record<string, unknown> | undefined, frame: Frame, extraEnv: Record<string, string> = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(map ?? {})) out[k] = typeof v === 'string' ? stringify(interpolate(v, this.scope(frame, { ...extraEnv, ...out }))) : stringify(v as Value);
    return out;
  }

  private async step(step: StepSpec, frame: Frame, prefix: string, started: (name: string, child: Child) => void): Promise<void> {
    const name = `${prefix}${step.name ?? (step.run ? `Run ${step.run.split('\n')[0]}` : `Run ${step.uses}`)}`;
    const record = (outcome: StepRecord['outcome'], output = '', exitCode?: number) => {
      this.records.push({ name, outcome, output, ...(exitCode !== undefined ? { exitCode } : {}) });
      if (step.id) frame.steps[step.id] = { outcome, conclusion: outcome, outputs: (frame.steps[step.id] as { outputs?: Value } | undefined)?.outputs ?? {} };
    };
    if (!condition(step.if, this.scope(frame))) return record('skipped');
    const stepEnv = this.stringMap(step.env, frame);
    if (step.id) frame.steps[step.id] = { outcome: null, conclusion: null, outputs: {} };
    if (step.run !== undefined) {
      const script = stringify(interpolate(step.run, this.scope(frame, stepEnv)));
      const dir = step['working-directory'] ? path.resolve(this.workspace, stringify(interpolate(step['working-directory'], this.scope(frame, stepEnv)))) : this.workspace;
      const result = await this.shell(script, dir, { ...frame.env, ...stepEnv }, frame, (child) => started(name, child));
      if (step.id) (frame.steps[step.id] as { outputs: Record<string, Value> }).outputs = result.outputs;
      if (result.exitCode !== 0) this.status.failed = true;
      return record(result.exitCode === 0 ? 'success' : this.status.cancelled ? 'cancelled' : 'failure', result.output, result.exitCode);
    }
    const uses = step.uses!;
    const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, typeof v === 'string' ? stringify(interpolate(v, this.scope(frame, stepEnv))) : stringify(v as Value)]));
    if (uses.startsWith('./')) {
      const actionDir = path.resolve(this.workspace, uses);
      const action = parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: string; required?: boolean }>; outputs?: Record<string, { value: string }>; runs: { using: string; steps: StepSpec[] } };
      if (action.runs.using !== 'composite') throw new Error(`${uses}: only composite actions are simulated`);
      const inner: Frame = { steps: {}, inputs: {}, actionPath: actionDir, env: { ...frame.env, ...stepEnv } };
      for (const [key, spec] of Object.entries(action.inputs ?? {})) {
        if (key in inputs) inner.inputs[key] = inputs[key]!;
        else if (spec.required) throw new Error(`${uses}: required input ${key} not given`);
        else inner.inputs[key] = spec.default === undefined ? '' : stringify(interpolate(spec.default, this.scope(frame, stepEnv)));
      }
      const unknown = Object.keys(inputs).filter((k) => !(k in (action.inputs ?? {})));
      if (unknown.length > 0) throw new Error(`${uses}: unexpected inputs ${unknown.join(', ')}`);
      const failedBefore = this.status.failed;
      // Inside the action, failure() sees the action's own steps (the job had not failed, or it would not run).
      this.status.failed = false;
      for (const innerStep of action.runs.steps) await this.step(innerStep, inner, `${name} › `, started);
      const failed = this.status.failed;
      this.status.failed = failedBefore || failed;
      if (step.id) {
        const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([k, v]) => [k, stringify(interpolate(v.value, this.scope(inner)))]));
        frame.steps[step.id] = { outcome: failed ? 'failure' : 'success', conclusion: failed ? 'failure' : 'success', outputs };
      }
      this.records.push({ name, outcome: failed ? (this.status.cancelled ? 'cancelled' : 'failure') : 'success', output: '' });
      return;
    }
    const simulated = simulatedAction(uses);
    const out = await simulated({ inputs, workspace: this.workspace, temp: this.temp, env: { ...this.options.env, ...this.exported, ...frame.env, ...stepEnv }, host: this.options.host, github: this.scope(frame).contexts.github as Record<string, Value>, event: this.options.event });
    this.log += out.output;
    if (!out.ok) this.status.failed = true;
    record(out.ok ? 'success' : 'failure', out.output);
  }

  private async shell(script: string, cwd: string, env: Record<string, string>, frame: Frame, started: (child: Child) => void): Promise<{ exitCode: number; output: string; outputs: Record<string, Value> }> {
    const n = ++this.stepCount;
    const scriptFile = path.join(this.temp, `step-${n}.sh`);
    const outputFile = path.join(this.temp, `output-${n}`);
    const summaryFile = path.join(this.temp, `summary-${n}.md`);
    writeFileSync(scriptFile, script);
    for (const file of [outputFile, summaryFile, this.envFile, this.pathFile]) writeFileSync(file, '', { flag: 'a' });
    writeFileSync(this.envFile, '');
    writeFileSync(this.pathFile, '');
    const fullEnv: Record<string, string> = {
      ...this.options.env,
      PATH: [...this.addedPath, this.options.env.PATH ?? ''].join(':'),
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_EVENT_NAME: this.options.eventName,
      GITHUB_EVENT_PATH: this.eventFile(),
      GITHUB_REF: this.options.ref,
      GITHUB_SHA: this.options.sha,
      GITHUB_REPOSITORY: this.options.repository,
      GITHUB_API_URL: this.options.host.apiUrl,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_RUN_ID: '4242',
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_BASE_REF: ((this.options.event.pull_request as { base?: { ref?: string } } | undefined)?.base?.ref ?? '') as string,
      GITHUB_HEAD_REF: ((this.options.event.pull_request as { head?: { ref?: string } } | undefined)?.head?.ref ?? '') as string,
      GITHUB_ENV: this.envFile,
      GITHUB_PATH: this.pathFile,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: this.temp,
      RUNNER_OS: 'Linux',
      ...(frame.actionPath ? { GITHUB_ACTION_PATH: frame.actionPath } : {}),
      ...this.plainMap(this.workflow.env),
      ...this.plainMap(this.jobSpec.env),
      ...this.exported,
      ...env,
    };
    // GitHub's bash: bash --noprofile --norc -eo pipefail {0}.
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const take = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let finished = false;
    const done = new Promise<number>((resolve) =>
      child.on('close', (code, signal) => {
        finished = true;
        resolve(code ?? (signal ? 128 + ({ SIGINT: 2, SIGTERM: 15, SIGKILL: 9 } as Record<string, number>)[signal]! : 1));
      }),
    );
    started({ pid: child.pid!, finished: () => finished });
    const exitCode = await done;
    this.log += output;
    for (const line of output.split('\n')) if (/^::(error|warning|notice)\b/.test(line)) this.annotations.push(line);
    Object.assign(this.exported, parseEnvFile(readFileSync(this.envFile, 'utf8')));
    this.addedPath.unshift(...readFileSync(this.pathFile, 'utf8').split('\n').filter(Boolean).reverse());
    this.summary += readFileSync(summaryFile, 'utf8');
    return { exitCode, output, outputs: parseEnvFile(readFileSync(outputFile, 'utf8')) };
  }

  private eventFile(): string {
    const file = path.join(this.temp, 'event.json');
    writeFileSync(file, JSON.stringify(this.options.event, null, 2));
    return file;
  }
}

/** GITHUB_ENV / GITHUB_OUTPUT: NAME=value lines and NAME<<DELIMITER … DELIMITER blocks. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delimiter} in an environment file`);
      out[name!] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`invalid environment file line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
