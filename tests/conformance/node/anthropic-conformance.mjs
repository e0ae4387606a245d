// Drives a running Switchyard gateway's POST /v1/messages with the official `@anthropic-ai/sdk` npm client, a client
// nobody here wrote. Usage: node anthropic-conformance.mjs BASE_URL   (the gateway's root, e.g. http://127.0.0.1:8080)
// Expects a route `chat`. Prints one line per check; exits 1 if any failed.
import Anthropic from '@anthropic-ai/sdk';
import { assert, baseUrlArgument, check, finish } from './harness.mjs';

const baseURL = baseUrlArgument(import.meta.url);

const client = new Anthropic({ baseURL, apiKey: 'sk-ant-conformance', maxRetries: 0, timeout: 30_000 });

const tools = [{
  name: 'get_weather',
  description: 'Weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}];

await check('messages.create', async () => {
  const { data, response } = await client.messages
    .create({ model: 'chat', max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }] })
    .withResponse();
  assert(data.type === 'message' && data.role === 'assistant', JSON.stringify(data));
  assert(data.content[0].type === 'text' && data.content[0].text.length > 0, 'empty text');
  assert(['end_turn', 'max_tokens'].includes(data.stop_reason), `stop_reason ${data.stop_reason}`);
  assert(data.usage.input_tokens > 0 && data.usage.output_tokens > 0, JSON.stringify(data.usage));
  assert(response.headers.get('request-id'), 'no request-id header');
});

await check('messages.create stream: true (raw events)', async () => {
  const stream = await client.messages.create({ model: 'chat', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'Stream a short answer.' }] });
  const types = [];
  let text = '';
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  }
  assert(types[0] === 'message_start' && types.at(-1) === 'message_stop', types.join(','));
  assert(types.includes('message_delta'), types.join(','));
  assert(text.length > 0, 'no text');
});

await check('messages.stream helper (finalMessage)', async () => {
  const stream = client.messages.stream({ model: 'chat', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
  let streamed = '';
  stream.on('text', (t) => { streamed += t; });
  const message = await stream.finalMessage();
  assert(message.content[0].text === streamed && streamed.length > 0, 'final text differs from streamed text');
  assert(message.usage.output_tokens > 0 && message.usage.input_tokens > 0, JSON.stringify(message.usage));
});

await check('tool use round trip (non-stream)', async () => {
  const first = await client.messages.create({
    model: 'chat', max_tokens: 200, tools, tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  assert(first.stop_reason === 'tool_use', `stop_reason ${first.stop_reason}`);
  const use = first.content.find((b) => b.type === 'tool_use');
  assert(use && use.name === 'get_weather' && typeof use.input.city === 'string', JSON.stringify(first.content));
  const second = await client.messages.create({
    model: 'chat', max_tokens: 200, tools,
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: '18 degrees, sunny' }] },
    ],
  });
  assert(second.content[0].type === 'text' && second.content[0].text.length > 0, JSON.stringify(second.content));
});

await check('tool use (stream, input_json_delta reassembled by the SDK)', async () => {
  const stream = client.messages.stream({
    model: 'chat', max_tokens: 200, tools, tool_choice: { type: 'tool', name: 'get_weather' }, messages: [{ role: 'user', content: 'Weather in Paris?' }],
  });
  const message = await stream.finalMessage();
  const use = message.content.find((b) => b.type === 'tool_use');
  assert(use && typeof use.input.city === 'string', JSON.stringify(message.content));
  assert(message.stop_reason === 'tool_use', `stop_reason ${message.stop_reason}`);
});

await check('unknown model is a NotFoundError', async () => {
  try {
    await client.messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof Anthropic.NotFoundError, `got ${e?.constructor?.name}: ${e?.message}`);
    assert(e.error?.type === 'error' && e.error?.error?.type === 'not_found_error', JSON.stringify(e.error));
  }
});

await check('untranslatable parameter is a BadRequestError naming it', async () => {
  try {
    await client.messages.create({ model: 'chat', max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: 'x' }] });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof Anthropic.BadRequestError, `got ${e?.constructor?.name}: ${e?.message}`);
    assert(e.message.includes('thinking'), e.message);
  }
});

await check('abort mid-stream', async () => {
  const stream = await client.messages.create({ model: 'chat', max_tokens: 300, stream: true, messages: [{ role: 'user', content: 'A long answer please.' }] });
  let events = 0;
  for await (const event of stream) {
    if (++events === 3) {
      stream.controller.abort();
      break;
    }
  }
  assert(events === 3, `events ${events}`);
});

finish();
