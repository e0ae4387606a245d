// The panels: each draws one part of what the admin API returned. Text goes in with textContent only: request ids,
// team and route names come from clients and configuration, and are never parsed as markup.

import { chart, clearAll, palette, points, replace, timeAxis } from './charts.js';
import { clock, count, ms, percent, usd } from './format.js';

const $ = (id) => document.getElementById(id);

function cell(row, text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  row.appendChild(td);
  return td;
}

function badge(text, kind) {
  const span = document.createElement('span');
  span.className = `badge ${kind}`;
  span.textContent = text;
  return span;
}

/** Sets a headline figure: the text as the page formats it, the raw value for whoever reads the page's data. */
function figure(name, value, format) {
  const element = document.querySelector(`[data-figure="${name}"]`);
  element.textContent = format(value);
  element.dataset.value = value === null || value === undefined ? '' : String(value);
}

/** Keeps a select's options in step with the names the API lists, keeping the choice. */
function options(select, names) {
  const chosen = select.value;
  const wanted = ['', ...names];
  const current = [...select.options].map((o) => o.value);
  if (current.length === wanted.length && current.every((v, i) => v === wanted[i])) return;
  select.replaceChildren(...wanted.map((name) => {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = name === '' ? 'any' : name;
    return option;
  }));
  select.value = wanted.includes(chosen) ? chosen : '';
}

function sum(values) {
  return values.reduce((a, b) => a + b, 0);
}

/** A running total of a series (the spend chart's lines). */
function cumulative(values) {
  let total = 0;
  return values.map((v) => (total += v));
}

const statusColours = { approved: '#59a14f', scanned: '#4e79a7', proposed: '#bab0ac', deprecated: '#edc948', rejected: '#e15759', revoked: '#b07aa1' };

export class Panels {
  constructor(onFilterChange) {
    const stacked = { x: timeAxis(), y: { stacked: true, beginAtZero: true, title: { display: true, text: 'requests' } } };
    this.tiers = chart('tiers-chart', { type: 'line', data: { datasets: [] }, options: { scales: stacked, elements: { point: { radius: 0 } } } });
    this.open = chart('open-chart', { type: 'doughnut', data: { datasets: [] }, options: { plugins: { legend: { position: 'right' } } } });
    this.latency = chart('latency-chart', {
      type: 'line', data: { datasets: [] },
      options: { scales: { x: timeAxis(), y: { beginAtZero: true, title: { display: true, text: 'ms' } } }, elements: { point: { radius: 2 } } },
    });
    this.escalations = chart('escalation-chart', {
      type: 'line', data: { datasets: [] },
      options: { scales: { x: timeAxis(), y: { beginAtZero: true, suggestedMax: 10, title: { display: true, text: '%' } } }, plugins: { legend: { display: false } }, elements: { point: { radius: 2 } } },
    });
    this.reasons = chart('reasons-chart', { type: 'bar', data: { datasets: [] }, options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } });
    this.spend = chart('spend-chart', {
      type: 'line', data: { datasets: [] },
      options: { scales: { x: timeAxis(), y: { beginAtZero: true, title: { display: true, text: 'US$ (cumulative)' } } }, elements: { point: { radius: 0 } } },
    });
    this.budgets = chart('budgets-chart', {
      type: 'bar', data: { datasets: [] },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, suggestedMax: 100, title: { display: true, text: '% of limit' } } }, plugins: { legend: { display: false } } },
    });
    this.deployments = chart('deployments-chart', {
      type: 'bar', data: { datasets: [] },
      options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } } },
    });
    this.registry = chart('registry-chart', { type: 'doughnut', data: { datasets: [] }, options: { plugins: { legend: { position: 'right' } } } });
    this.all = [this.tiers, this.open, this.latency, this.escalations, this.reasons, this.spend, this.budgets, this.deployments, this.registry];
    $('filters').addEventListener('change', () => onFilterChange());
  }

  /** The latest requests' filters, as /admin/logs takes them. */
  filters() {
    const form = $('filters');
    return {
      route: form.elements.route.value,
      status: form.elements.status.value,
      escalated: form.elements.escalated.checked ? 'true' : '',
      team: form.elements.team.value,
    };
  }

  render({ stats, logs, deployments, budgets, models, routes, teams }) {
    this.figures(stats);
    this.traffic(stats);
    this.money(stats);
    this.budgetBars(budgets);
    this.deploymentHealth(stats, deployments);
    this.registryModels(models);
    options($('filters').elements.route, routes.map((r) => r.name));
    options($('filters').elements.team, teams.map((t) => t.name));
    this.requests(logs);
  }

  figures(stats) {
    const t = stats.totals;
    figure('requests', t.requests, count);
    figure('errors', t.errors, count);
    figure('open_share', t.open_share, percent);
    figure('escalation_rate', t.escalation_rate, percent);
    figure('p95', t.latency_ms.p95, ms);
    figure('spent_usd', t.spent_usd, usd);
    figure('baseline_cost_usd', t.baseline_cost_usd, usd);
    figure('saved_usd', t.saved_usd, usd);
  }

  traffic(stats) {
    const { times, totals } = stats;
    const window = `in the last ${$('window').selectedOptions[0].textContent}`;
    replace(this.tiers, [], stats.tiers.map((tier, i) => ({
      label: tier.tier,
      data: points(times, tier.requests),
      borderColor: palette[i % palette.length],
      backgroundColor: `${palette[i % palette.length]}99`,
      fill: i === 0 ? 'origin' : '-1',
    })));
    $('tiers-summary').textContent = totals.requests === 0
      ? `No requests ${window}.`
      : `${count(totals.requests)} requests ${window}: ${stats.tiers.map((t) => `${t.tier} ${count(sum(t.requests))}`).join(', ')}; ${count(totals.failovers)} failed over to another deployment.`;

    const open = sum(stats.hosting['self-hosted']);
    const external = sum(stats.hosting.external);
    replace(this.open, ['self-hosted (open)', 'external API'], [{ data: [open, external], backgroundColor: [palette[2], palette[1]] }]);
    $('open-summary').textContent = totals.answered === 0
      ? 'No answers yet.'
      : `${percent(totals.open_share)} of ${count(totals.answered)} answers came from self-hosted open models, ${count(external)} from external APIs.`;

    replace(this.latency, [], [
      { label: 'p50', data: points(times, stats.latency_ms.p50), borderColor: palette[0], backgroundColor: palette[0] },
      { label: 'p95', data: points(times, stats.latency_ms.p95), borderColor: palette[1], backgroundColor: palette[1] },
      { label: 'p99', data: points(times, stats.latency_ms.p99), borderColor: palette[3], backgroundColor: palette[3] },
    ]);
    const l = totals.latency_ms;
    $('latency-summary').textContent = l.count === 0 ? 'No answers yet.' : `Over ${count(l.count)} answers: p50 ${ms(l.p50)}, p95 ${ms(l.p95)}, p99 ${ms(l.p99)}.`;

    replace(this.escalations, [], [{ label: 'escalation rate', data: points(times, stats.escalation_rate, 100), borderColor: palette[3], backgroundColor: palette[3] }]);
    const reasons = stats.escalation_reasons;
    replace(this.reasons, reasons.map((r) => r.reason), [{ label: 'escalations', data: reasons.map((r) => r.count), backgroundColor: palette[3] }]);
    $('escalation-summary').textContent = totals.escalated === 0
      ? `No answer was escalated ${window}.`
      : `${count(totals.escalated)} answers (${percent(totals.escalation_rate)}) were escalated past a poor answer: ${reasons.map((r) => `${r.reason} ${r.count}`).join(', ')}.`;
  }

  money(stats) {
    const t = stats.totals;
    replace(this.spend, [], [
      { label: 'all-frontier', data: points(stats.times, cumulative(stats.baseline_cost_usd)), borderColor: palette[1], backgroundColor: palette[1] },
      { label: 'spent', data: points(stats.times, cumulative(stats.spent_usd)), borderColor: palette[0], backgroundColor: `${palette[2]}55`, fill: '-1' },
    ]);
    const share = t.baseline_cost_usd > 0 ? ` (${percent(t.saved_usd / t.baseline_cost_usd)} of all-frontier)` : '';
    $('spend-summary').textContent = `Spent ${usd(t.spent_usd)} where the routes' frontier tiers would have cost ${usd(t.baseline_cost_usd)}: saved ${usd(t.saved_usd)}${share}.`;
  }

  budgetBars(budgets) {
    replace(this.budgets, budgets.map((b) => b.name), [{
      label: '% of limit',
      data: budgets.map((b) => (b.limit_usd > 0 ? (100 * b.spent_usd) / b.limit_usd : 0)),
      backgroundColor: budgets.map((b) => (b.spent_usd >= b.limit_usd * b.warn_at ? palette[3] : palette[0])),
    }]);
    $('budgets-chart-box').hidden = budgets.length === 0;
    $('budgets-summary').textContent = budgets.length === 0
      ? 'No budgets are configured (budgets: in the configuration, or keys with --budget).'
      : budgets.map((b) => `${b.name}: ${usd(b.spent_usd)} of ${usd(b.limit_usd)} this ${b.per} (${b.mode})`).join('; ');
  }

  deploymentHealth(stats, deployments) {
    const rows = stats.deployments;
    replace(this.deployments, rows.map((d) => d.name), [
      { label: 'answered', data: rows.map((d) => d.answered), backgroundColor: palette[2] },
      { label: 'errors', data: rows.map((d) => d.errors), backgroundColor: palette[3] },
    ]);
    const body = $('deployments-table').tBodies[0];
    body.replaceChildren(...deployments.map((d) => {
      const row = document.createElement('tr');
      row.dataset.deployment = d.name;
      cell(row, d.name);
      cell(row, d.hosting);
      cell(row, '').appendChild(badge(d.circuit, { closed: 'ok', open: 'bad', 'half-open': 'warn', off: 'off' }[d.circuit]));
      cell(row, '').appendChild(d.withdrawn ? badge('withdrawn', 'bad') : badge(d.health, { healthy: 'ok', unhealthy: 'bad', unchecked: 'off' }[d.health]));
      cell(row, d.max_concurrency === null ? count(d.in_flight) : `${count(d.in_flight)} / ${count(d.max_concurrency)}`, 'num');
      cell(row, d.ttft_ms > 0 ? ms(d.ttft_ms) : '–', 'num');
      return row;
    }));
  }

  registryModels(models) {
    const byStatus = new Map();
    for (const m of models) byStatus.set(m.status, (byStatus.get(m.status) ?? 0) + 1);
    const statuses = [...byStatus.keys()];
    replace(this.registry, statuses, [{ data: statuses.map((s) => byStatus.get(s)), backgroundColor: statuses.map((s) => statusColours[s] ?? palette[9]) }]);
    const body = $('registry-table').tBodies[0];
    body.replaceChildren(...models.map((m) => {
      const row = document.createElement('tr');
      cell(row, m.id);
      cell(row, '').appendChild(badge(m.status, { approved: 'ok', rejected: 'bad', revoked: 'bad', deprecated: 'warn' }[m.status] ?? 'off'));
      cell(row, m.license ?? '–');
      cell(row, m.scan ?? '–');
      return row;
    }));
  }

  requests(logs) {
    const body = $('requests-table').tBodies[0];
    body.replaceChildren(...logs.map((e) => {
      const row = document.createElement('tr');
      row.dataset.requestId = e.request_id;
      if (e.status >= 400) row.className = 'failed';
      cell(row, clock(e.timestamp));
      cell(row, e.request_id, 'id').title = e.request_id;
      cell(row, e.route ?? '–');
      cell(row, e.tier ?? '–');
      cell(row, e.deployment ?? '–');
      cell(row, String(e.status), 'num');
      cell(row, ms(e.latency_ms), 'num');
      cell(row, e.cost_usd === undefined ? '–' : usd(e.cost_usd), 'num');
      cell(row, e.team ?? '–');
      const notes = [];
      if (e.escalated_from) notes.push(`escalated from ${e.escalated_from}`);
      if (e.fallback_reason) notes.push(`failover: ${e.fallback_reason}`);
      if (e.status >= 400 && e.error) notes.push(e.error);
      cell(row, notes.join('; '), 'note');
      return row;
    }));
    $('requests-summary').textContent = logs.length === 0 ? 'No requests match these filters.' : `The latest ${logs.length} requests, newest first.`;
  }

  /** Empties every chart, table and figure. */
  clear() {
    clearAll(this.all);
    for (const id of ['deployments-table', 'registry-table', 'requests-table']) $(id).tBodies[0].replaceChildren();
    for (const element of document.querySelectorAll('[data-figure]')) {
      element.textContent = '–';
      delete element.dataset.value;
    }
    for (const element of document.querySelectorAll('.summary')) element.textContent = '';
  }
}
