// The plan action's comment step: one sticky comment per pull request (found by its marker, written
// by a bot), created or updated in place through the REST API at $GITHUB_API_URL. It posts the plan,
// or "plan unavailable" with the diagnostics when there is no plan. Without a token that may write
// (a fork's pull request, or a 403), it posts nothing and says why in the job summary: the plan is
// in the summary and the artifact all the same. Plain Node (no dependencies): it runs before, and
// apart from, anything the fleet repository installs.
import { appendFileSync, readFileSync } from 'node:fs';

const MARKER = '<!-- fleetc-plan -->';
const env = process.env;
const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'));
const pull = event.pull_request;
const api = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/$/, '');
const repository = env.GITHUB_REPOSITORY;

function summary(text) {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${text}\n`);
}

/** A fence longer than any run of backticks in the text, so diagnostics never close it early. */
function fenced(text) {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.trimEnd()}\n${fence}`;
}

function body() {
  if (env.PLAN_FILE) return readFileSync(env.PLAN_FILE, 'utf8');
  const head = env.HEAD_SHA ? ` at \`${env.HEAD_SHA.slice(0, 12)}\`` : '';
  if (env.VALIDATION === 'success') return `${MARKER}\n## fleetc plan\n\n**plan unavailable: fleetc plan failed**${head}. See the job log.\n`;
  const diagnostics = env.DIAGNOSTICS_FILE ? readFileSync(env.DIAGNOSTICS_FILE, 'utf8') : '';
  // GitHub refuses a comment over 65,536 characters.
  const shown = diagnostics.length > 60_000 ? `${diagnostics.slice(0, 60_000)}\n… (cut; the full diagnostics are in the job log)` : diagnostics;
  return `${MARKER}\n## fleetc plan\n\n**plan unavailable: validation failed**${head}. Any earlier plan in this comment is out of date.\n\n${fenced(shown || '(no diagnostics were recorded; see the job log)')}\n`;
}

async function call(method, path, payload) {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${env.GITHUB_TOKEN}`, 'x-github-api-version': '2022-11-28', ...(payload ? { 'content-type': 'application/json' } : {}) },
    ...(payload ? { body: JSON.stringify(payload) } : {}),
  });
  const text = await response.text();
  return { status: response.status, data: text ? JSON.parse(text) : undefined, link: response.headers.get('link') ?? '' };
}

class Forbidden extends Error {}

async function checked(method, path, payload) {
  const result = await call(method, path, payload);
  if (result.status === 403 || result.status === 401) throw new Forbidden(`${method} ${path}: ${result.status} ${result.data?.message ?? ''}`.trim());
  if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${result.data?.message ?? ''}`.trim());
  return result;
}

async function main() {
  if (!pull) throw new Error('not a pull_request event: there is no pull request to comment on');
  const text = body();
  const headRepo = pull.head?.repo?.full_name;
  if (headRepo && headRepo !== repository) {
    summary(`**No plan comment was posted:** this pull request comes from the fork \`${headRepo}\`, and GitHub gives a fork's \`pull_request\` run a read-only token. The plan is in this summary and in the \`fleetc-plan\` artifact.`);
    console.log(`fleetc plan: no comment posted (a pull request from the fork ${headRepo} has a read-only token)`);
    return;
  }
  const comments = [];
  for (let page = 1; ; page++) {
    const { data, link } = await checked('GET', `/repos/${repository}/issues/${pull.number}/comments?per_page=100&page=${page}`);
    comments.push(...data);
    if (!/rel="next"/.test(link)) break;
  }
  const existing = comments.find((c) => c.user?.type === 'Bot' && typeof c.body === 'string' && c.body.includes(MARKER));
  if (existing) {
    await checked('PATCH', `/repos/${repository}/issues/comments/${existing.id}`, { body: text });
    console.log(`fleetc plan: updated comment ${existing.id}`);
  } else {
    const { data } = await checked('POST', `/repos/${repository}/issues/${pull.number}/comments`, { body: text });
    console.log(`fleetc plan: posted comment ${data.id}`);
  }
}

try {
  await main();
} catch (error) {
  if (!(error instanceof Forbidden)) {
    console.error(`fleetc plan: posting the comment failed: ${error.message}`);
    process.exit(1);
  }
  summary(`**No plan comment was posted:** the token may not write to this pull request (${error.message}). A fork's pull request gets a read-only token; the plan is in this summary and in the \`fleetc-plan\` artifact.`);
  console.log(`fleetc plan: no comment posted (${error.message})`);
}
