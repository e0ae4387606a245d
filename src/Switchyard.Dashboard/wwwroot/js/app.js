// The dashboard: sign-in with a key, then every few seconds read the admin API and redraw the panels.
// Everything shown comes from /admin/* at the moment of the poll; nothing is computed here but sums of what it returns.

import { adminClient, AdminError } from './api.js';
import { Panels } from './panels.js';

const storageKey = 'switchyard.dashboard.key';
const roles = new Set(['admin', 'operator', 'auditor']);
const params = new URLSearchParams(location.search);
// ?refresh=SECONDS changes the poll interval (never a key: keys are never put in URLs).
const refreshSeconds = Math.max(1, Number(params.get('refresh')) || 3);

const $ = (id) => document.getElementById(id);
let panels = null;
let timer = null;
let get = null;
let polls = 0;

/** Why a key cannot open the dashboard, or null when it can. */
function refusal(who) {
  if (who.reads === 'everything') return null;
  if (who.reads === 'team') {
    return `This is a client key (team ${who.team}). The dashboard shows every team's traffic, so it needs an admin, operator or auditor key: switchyard keys create --team ops --role auditor.`;
  }
  return `This ${who.role} key reads the model registry only. The dashboard needs an admin, operator or auditor key: switchyard keys create --team ops --role auditor.`;
}

async function signIn(key, remembered) {
  const error = $('login-error');
  error.textContent = '';
  const client = adminClient(key);
  let who;
  try {
    who = await client('whoami');
  } catch (e) {
    sessionStorage.removeItem(storageKey);
    $('key').value = '';
    error.textContent = e instanceof AdminError && e.status === 401
      ? 'The gateway does not accept this key: it is unknown, revoked or expired (401).'
      : e.message;
    return;
  }
  const refused = refusal(who);
  if (refused !== null) {
    sessionStorage.removeItem(storageKey);
    $('key').value = '';
    error.textContent = refused;
    return;
  }
  if (!remembered) sessionStorage.setItem(storageKey, key);
  get = client;
  $('key').value = '';
  $('who').textContent = `${who.role ?? 'admin'} · ${who.actor}`;
  $('login').hidden = true;
  $('controls').hidden = false;
  $('dashboard').hidden = false;
  panels ??= new Panels(() => poll());
  await poll();
}

function signOut(message) {
  clearTimeout(timer);
  timer = null;
  get = null;
  sessionStorage.removeItem(storageKey);
  panels?.clear();
  $('dashboard').hidden = true;
  $('controls').hidden = true;
  $('login').hidden = false;
  $('who').textContent = '';
  $('status').textContent = 'Not signed in';
  $('login-error').textContent = message ?? '';
  $('key').focus();
}

async function poll() {
  clearTimeout(timer);
  const client = get;
  if (client === null) return;
  const banner = $('poll-error');
  try {
    const filters = panels.filters();
    const [stats, logs, deployments, budgets, models, routes, teams] = await Promise.all([
      client('stats', { since: $('window').value }),
      client('logs', { limit: 25, ...filters }),
      client('deployments'),
      client('budgets'),
      client('models'),
      client('routes'),
      client('teams'),
    ]);
    if (client !== get) return;   // signed out while the answers were on their way
    panels.render({ stats, logs, deployments, budgets, models, routes, teams });
    banner.hidden = true;
    polls += 1;
    document.body.dataset.polls = String(polls);
    $('status').textContent = `Updated ${new Date().toLocaleTimeString('en-GB', { hour12: false })}, every ${refreshSeconds} s`;
  } catch (e) {
    if (e instanceof AdminError && (e.status === 401 || e.status === 403)) {
      signOut(`The gateway refused the key (${e.status}): ${e.message}`);
      return;
    }
    banner.textContent = `Could not update: ${e.message}`;
    banner.hidden = false;
  }
  if (client === get) timer = setTimeout(poll, refreshSeconds * 1000);
}

$('login-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key').value.trim();
  if (key) signIn(key, false);
});
$('logout').addEventListener('click', () => signOut());
$('window').addEventListener('change', () => poll());

const saved = sessionStorage.getItem(storageKey);
if (saved) {
  signIn(saved, true);
} else {
  $('status').textContent = 'Not signed in: no data is shown without a key';
  $('key').focus();
}
