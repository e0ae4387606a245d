// How figures are written on the page. The browser test formats the admin API's numbers the same way and compares.

const dash = '–';

/** US dollars: two decimals from a dollar, four from a cent, six below (a self-hosted answer costs a few millionths). */
export function usd(value) {
  if (value === null || value === undefined) return dash;
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}$${abs.toFixed(abs >= 1 ? 2 : abs >= 0.01 ? 4 : 6)}`;
}

/** A share in [0, 1] as a percentage with one decimal. */
export function percent(value) {
  return value === null || value === undefined ? dash : `${(value * 100).toFixed(1)}%`;
}

/** A whole count with thousands separators. */
export function count(value) {
  return value === null || value === undefined ? dash : Math.round(value).toLocaleString('en-US');
}

/** Milliseconds: whole under a second, seconds with two decimals above. */
export function ms(value) {
  if (value === null || value === undefined) return dash;
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** A time of day (local, 24-hour) from unix milliseconds or an ISO string. */
export function clock(value) {
  return new Date(value).toLocaleTimeString('en-GB', { hour12: false });
}
