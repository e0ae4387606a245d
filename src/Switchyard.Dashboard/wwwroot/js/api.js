// The admin API as the page calls it: the key goes in the Authorization header of same-origin requests, never in a URL.

/** An answer of the admin API that is not a success, with its OpenAI-style message. */
export class AdminError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** A function that GETs an admin path (relative to /admin/) with the key and returns its JSON. */
export function adminClient(key) {
  return async function get(path, params) {
    // Relative to the page (/ui/), so a gateway behind a path prefix works too.
    const url = new URL(`../admin/${path}`, document.baseURI);
    for (const [name, value] of Object.entries(params ?? {})) {
      if (value !== '' && value !== null && value !== undefined) url.searchParams.set(name, value);
    }
    let response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' },
        cache: 'no-store',
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (e) {
      throw new AdminError(0, `The gateway did not answer (${e.message}). Is it running?`, 'unreachable');
    }
    const text = await response.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = null; }
    if (!response.ok) {
      throw new AdminError(response.status, body?.error?.message ?? `${response.status} ${response.statusText}`, body?.error?.code);
    }
    return body;
  };
}
