// Thin helpers over Chart.js (the UMD build, loaded before this module as window.Chart): every chart is made once and
// its data replaced on each poll, without animation, so a live page does not flicker.

import { clock } from './format.js';

const Chart = window.Chart;

/** Colours that stay apart for most colour vision (Tableau 10). */
export const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

Chart.defaults.animation = false;
Chart.defaults.responsive = true;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.plugins.legend.labels.boxWidth = 12;

/** An x axis of unix milliseconds, labelled with the time of day. */
export function timeAxis() {
  return {
    type: 'linear',
    ticks: { maxTicksLimit: 6, callback: (value) => clock(value).slice(0, 5) },
    grid: { display: false },
  };
}

/** A chart on the canvas with this id. */
export function chart(id, config) {
  return new Chart(document.getElementById(id), config);
}

/** Replaces a chart's labels and datasets and redraws it. */
export function replace(target, labels, datasets) {
  target.data.labels = labels;
  target.data.datasets = datasets;
  target.update('none');
}

/** Points {x: time, y} of a series aligned with times (nulls leave gaps). */
export function points(times, values, scale = 1) {
  return times.map((t, i) => ({ x: t, y: values[i] === null ? null : values[i] * scale }));
}

/** Empties every chart (on sign-out: no figure stays on the page without a key). */
export function clearAll(charts) {
  for (const c of charts) replace(c, [], []);
}
