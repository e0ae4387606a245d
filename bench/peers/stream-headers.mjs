// Preload (`node --import`) that makes Portkey's streaming work at all.
// COMPAT: with @portkey-ai/gateway 1.15.2 and the @hono/node-server 1.19.x that npm resolves for it, every
// `"stream": true` request answers HTTP 500 ("TypeError: immutable"): Portkey builds its Response from the upstream
// fetch Response's Headers, which fetch marks immutable, and then appends its x-portkey-* headers to them. This gives
// event-stream responses of fetch a mutable copy of their headers; nothing else (non-streaming answers untouched).
const fetchOriginal = globalThis.fetch;
const NativeResponse = globalThis.Response;

globalThis.fetch = async function fetchWithMutableStreamHeaders(...args) {
  const response = await fetchOriginal.apply(this, args);
  const type = response.headers.get('content-type');
  if (type === null || !type.startsWith('text/event-stream')) {
    return response;
  }
  return new NativeResponse(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};
