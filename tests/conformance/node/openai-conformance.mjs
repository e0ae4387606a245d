// Drives a running Switchyard gateway with the official `openai` npm client, a client nobody here wrote.
// Usage: node openai-conformance.mjs BASE_URL   (e.g. http://127.0.0.1:8080/v1)
// Expects routes `chat` (chat and completions) and `embeddings`. Prints one line per check; exits 1 if any failed.
import OpenAI from 'openai';
import { assert, baseUrlArgument, check, finish } from './harness.mjs';

const baseURL = baseUrlArgument(import.meta.url);

const client = new OpenAI({ baseURL, apiKey: 'sk-conformance', maxRetries: 0, timeout: 30_000 });

await check('models.list', async () => {
  const ids = [];
  for await (const model of client.models.list()) ids.push(model.id);
  assert(ids.includes('chat'), `models: ${ids}`);
});

await check('chat.completions.create', async () => {
  const { data, response } = await client.chat.completions
    .create({ model: 'chat', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 40 })
    .withResponse();
  assert(data.choices[0].message.content.length > 0, 'empty content');
  assert(data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0, 'usage missing');
  assert(response.headers.get('x-switchyard-route') === 'chat', 'route header');
  assert(response.headers.get('x-request-id'), 'request id header');
});

await check('chat stream without include_usage has no usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'chat', messages: [{ role: 'user', content: 'Stream a short answer.' }], stream: true,
  });
  let text = '', chunks = 0, usageSeen = false, finish = null;
  for await (const chunk of stream) {
    chunks++;
    if (chunk.usage) usageSeen = true;
    for (const choice of chunk.choices) {
      text += choice.delta?.content ?? '';
      finish = choice.finish_reason ?? finish;
    }
  }
  assert(chunks > 1 && text.length > 0, `chunks=${chunks}`);
  assert(!usageSeen, 'usage chunk relayed although not asked for');
  assert(finish === 'stop' || finish === 'length', `finish=${finish}`);
});

await check('chat stream with include_usage ends with usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'chat', messages: [{ role: 'user', content: 'Stream a short answer.' }], stream: true,
    stream_options: { include_usage: true },
  });
  let usage = null;
  for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
  assert(usage && usage.completion_tokens > 0, 'no usage');
});

await check('chat.completions.stream helper (finalChatCompletion)', async () => {
  const runner = client.chat.completions.stream({ model: 'chat', messages: [{ role: 'user', content: 'Hi' }] });
  const final = await runner.finalChatCompletion();
  assert(final.choices[0].message.content.length > 0, 'empty final');
});

const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] },
  },
}];

await check('tool call (non-stream)', async () => {
  const r = await client.chat.completions.create({
    model: 'chat', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, tool_choice: 'required',
  });
  const call = r.choices[0].message.tool_calls?.[0];
  assert(call?.function?.name === 'get_weather', 'no tool call');
  JSON.parse(call.function.arguments);
});

await check('tool call (stream, argument deltas reassembled)', async () => {
  const runner = client.chat.completions.stream({
    model: 'chat', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, tool_choice: 'required',
  });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls?.[0];
  assert(call?.function?.name === 'get_weather', 'no tool call');
  const args = JSON.parse(call.function.arguments);
  assert(typeof args.city === 'string', 'city missing');
});

await check('JSON mode', async () => {
  const r = await client.chat.completions.create({
    model: 'chat', messages: [{ role: 'user', content: 'Answer as JSON.' }], response_format: { type: 'json_object' },
  });
  JSON.parse(r.choices[0].message.content);
});

await check('logprobs', async () => {
  const r = await client.chat.completions.create({
    model: 'chat', messages: [{ role: 'user', content: 'Hi' }], logprobs: true, top_logprobs: 2, max_tokens: 8,
  });
  assert(r.choices[0].logprobs.content.length > 0, 'no logprobs');
});

await check('completions', async () => {
  const r = await client.completions.create({ model: 'chat', prompt: 'Once upon a time', max_tokens: 16 });
  assert(r.choices[0].text.length > 0, 'empty text');
});

await check('embeddings (base64, the SDK default)', async () => {
  const r = await client.embeddings.create({ model: 'embeddings', input: ['alpha', 'beta'] });
  assert(r.data.length === 2 && r.data[0].embedding.length > 0, 'no vectors');
});

await check('embeddings (float)', async () => {
  const r = await client.embeddings.create({ model: 'embeddings', input: 'alpha', encoding_format: 'float' });
  assert(Math.abs(r.data[0].embedding.reduce((s, x) => s + x * x, 0) - 1) < 1e-3, 'not unit length');
});

await check('unknown model is a 404 NotFoundError naming the routes', async () => {
  try {
    await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof OpenAI.NotFoundError, `got ${e?.constructor?.name}`);
    assert(e.code === 'model_not_found', `code=${e.code}`);
    assert(e.message.includes('chat'), e.message);
  }
});

await check('wrong-typed field is a 400 BadRequestError naming the parameter', async () => {
  try {
    await client.chat.completions.create({ model: 'chat', messages: 'not an array' });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof OpenAI.BadRequestError, `got ${e?.constructor?.name}`);
    assert(e.param === 'messages', `param=${e.param}`);
  }
});

await check('abort mid-stream', async () => {
  const controller = new AbortController();
  const stream = await client.chat.completions.create(
    { model: 'chat', messages: [{ role: 'user', content: 'A long answer please.' }], stream: true, max_tokens: 200 },
    { signal: controller.signal });
  let n = 0;
  try {
    for await (const _ of stream) { if (++n === 2) controller.abort(); }
  } catch (e) {
    assert(e instanceof OpenAI.APIUserAbortError || e.name === 'AbortError', `got ${e?.constructor?.name}`);
  }
});

finish();
