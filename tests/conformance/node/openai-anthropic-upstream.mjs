// The official `openai` npm client against a route served by an Anthropic deployment: the gateway translates the
// OpenAI request into Anthropic's Messages API and the answer back. Usage: node openai-anthropic-upstream.mjs BASE_URL
// (e.g. http://127.0.0.1:8080/v1). Expects a route `claude`. Prints one line per check; exits 1 if any failed.
import OpenAI from 'openai';
import { assert, baseUrlArgument, check, finish } from './harness.mjs';

const baseURL = baseUrlArgument(import.meta.url);

const client = new OpenAI({ baseURL, apiKey: 'sk-conformance', maxRetries: 0, timeout: 30_000 });

const tools = [{
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
}];

await check('chat.completions.create', async () => {
  const r = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello.' }], max_tokens: 40 });
  assert(r.object === 'chat.completion' && r.choices[0].message.content.length > 0, JSON.stringify(r));
  assert(r.usage.prompt_tokens > 0 && r.usage.completion_tokens > 0, JSON.stringify(r.usage));
});

await check('chat stream with include_usage ends with usage', async () => {
  const stream = await client.chat.completions.create({
    model: 'claude', messages: [{ role: 'user', content: 'Stream a short answer.' }], stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let last;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? '';
    last = chunk;
  }
  assert(text.length > 0, 'no text');
  assert(last.choices.length === 0 && last.usage.completion_tokens > 0, JSON.stringify(last));
});

await check('chat.completions.stream helper (finalChatCompletion)', async () => {
  const runner = client.chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }] });
  const final = await runner.finalChatCompletion();
  assert(final.choices[0].message.content.length > 0, 'empty');
});

await check('tool call round trip (non-stream)', async () => {
  const messages = [{ role: 'user', content: 'Weather in Paris?' }];
  const first = await client.chat.completions.create({ model: 'claude', messages, tools, tool_choice: 'required' });
  assert(first.choices[0].finish_reason === 'tool_calls', first.choices[0].finish_reason);
  const call = first.choices[0].message.tool_calls[0];
  assert(typeof JSON.parse(call.function.arguments).city === 'string', call.function.arguments);
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: '18 degrees, sunny' });
  const second = await client.chat.completions.create({ model: 'claude', messages, tools });
  assert(second.choices[0].message.content.length > 0, JSON.stringify(second.choices[0]));
});

await check('tool call (stream, argument deltas reassembled by the SDK)', async () => {
  const runner = client.chat.completions.stream({
    model: 'claude', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools, tool_choice: { type: 'function', function: { name: 'get_weather' } },
  });
  const final = await runner.finalChatCompletion();
  const call = final.choices[0].message.tool_calls[0];
  assert(call.function.name === 'get_weather' && typeof JSON.parse(call.function.arguments).city === 'string', JSON.stringify(call));
});

await check('JSON mode (a forced tool on Anthropic)', async () => {
  const r = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Answer as JSON.' }], response_format: { type: 'json_object' } });
  assert(typeof JSON.parse(r.choices[0].message.content) === 'object', r.choices[0].message.content);
});

await check('logprobs is a BadRequestError naming the parameter', async () => {
  try {
    await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'Hi' }], logprobs: true });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof OpenAI.BadRequestError, `got ${e?.constructor?.name}: ${e?.message}`);
    assert(e.param === 'logprobs', `param ${e.param}`);
  }
});

finish();
