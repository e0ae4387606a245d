// Drives a running Switchyard gateway's Responses API (/v1/responses) with the official `openai` npm client.
// Usage: node openai-responses.mjs BASE_URL   (e.g. http://127.0.0.1:8080/v1)
// Expects a route `chat`, and a route `cut` whose stream breaks after its first chunk. Prints one line per check;
// exits 1 if any failed.
import OpenAI from 'openai';
import { assert, baseUrlArgument, check, finish } from './harness.mjs';

const baseURL = baseUrlArgument(import.meta.url);

const client = new OpenAI({ baseURL, apiKey: 'sk-conformance', maxRetries: 0, timeout: 30_000 });

const tools = [{
  type: 'function',
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
}];

await check('responses.create with a string input', async () => {
  const { data, response } = await client.responses
    .create({ model: 'chat', instructions: 'Be brief.', input: 'Say hello.', max_output_tokens: 200, metadata: { ticket: 'T-1' } })
    .withResponse();
  assert(/^resp_[0-9a-f]{32}$/.test(data.id), `id ${data.id}`);
  assert(data.object === 'response' && data.status === 'completed', `status ${data.status}`);
  assert(data.output_text.length > 0, 'empty output_text');
  assert(data.output[0].type === 'message' && data.output[0].content[0].type === 'output_text', JSON.stringify(data.output));
  assert(data.usage.input_tokens > 0 && data.usage.output_tokens > 0, JSON.stringify(data.usage));
  assert(data.instructions === 'Be brief.' && data.max_output_tokens === 200 && data.metadata.ticket === 'T-1', 'echoed fields');
  assert(response.headers.get('x-switchyard-route') === 'chat', 'route header');
});

await check('responses.create with stream: true yields the lifecycle in order', async () => {
  const stream = await client.responses.create({ model: 'chat', input: [{ role: 'user', content: 'Stream a short answer.' }], stream: true });
  const types = [];
  let text = '', done = null, completed = null, expected = 0;
  for await (const event of stream) {
    assert(event.sequence_number === expected++, `sequence ${event.sequence_number}`);
    types.push(event.type);
    if (event.type === 'response.output_text.delta') text += event.delta;
    if (event.type === 'response.output_text.done') done = event.text;
    if (event.type === 'response.completed') completed = event.response;
  }
  assert(types[0] === 'response.created' && types[1] === 'response.in_progress', types.slice(0, 2).join());
  assert(types.at(-1) === 'response.completed', types.at(-1));
  assert(text.length > 0 && text === done, 'deltas and done text differ');
  assert(completed.output[0].content[0].text === text, 'final response text');
});

await check('responses.stream helper accumulates the final response', async () => {
  const stream = client.responses.stream({ model: 'chat', input: 'Stream something.' });
  let deltas = '';
  stream.on('response.output_text.delta', (event) => { deltas += event.delta; });
  const final = await stream.finalResponse();
  assert(final.status === 'completed', final.status);
  assert(final.output_text === deltas && deltas.length > 0, 'output_text differs from the deltas');
});

for (const streamed of [false, true]) {
  await check(`function tool round trip with previous_response_id (stream: ${streamed})`, async () => {
    let first;
    if (streamed) {
      const stream = client.responses.stream({ model: 'chat', input: 'Weather in Paris?', tools, tool_choice: 'required' });
      let args = '';
      stream.on('response.function_call_arguments.delta', (event) => { args += event.delta; });
      first = await stream.finalResponse();
      assert(first.output.find((o) => o.type === 'function_call').arguments === args, 'argument deltas');
    } else {
      first = await client.responses.create({ model: 'chat', input: 'Weather in Paris?', tools, tool_choice: 'required' });
    }

    const call = first.output.find((o) => o.type === 'function_call');
    assert(call && call.name === 'get_weather' && call.call_id, JSON.stringify(first.output));
    assert(typeof JSON.parse(call.arguments).city === 'string', call.arguments);
    const second = await client.responses.create({
      model: 'chat',
      previous_response_id: first.id,
      tools,
      input: [{ type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ temperature: 18 }) }],
    });
    assert(second.previous_response_id === first.id, 'previous_response_id not echoed');
    assert(second.output_text.length > 0, 'no answer after the tool result');
    assert(second.usage.input_tokens > first.usage.input_tokens, 'the conversation was not sent again');
  });
}

await check('manual round trip without store: the output items sent back as input', async () => {
  const first = await client.responses.create({ model: 'chat', store: false, input: 'Weather in Oslo?', tools, tool_choice: 'required' });
  const call = first.output.find((o) => o.type === 'function_call');
  const second = await client.responses.create({
    model: 'chat', store: false, tools,
    input: [{ role: 'user', content: 'Weather in Oslo?' }, ...first.output, { type: 'function_call_output', call_id: call.call_id, output: '3 degrees' }],
  });
  assert(second.output_text.length > 0, 'no answer');
  try {
    await client.responses.retrieve(first.id);
    throw new Error('a store: false response was kept');
  } catch (e) {
    assert(e instanceof OpenAI.NotFoundError, `got ${e?.constructor?.name}: ${e?.message}`);
  }
});

await check('retrieve, inputItems.list and delete a stored response', async () => {
  const created = await client.responses.create({ model: 'chat', input: [{ role: 'developer', content: 'Answer in French.' }, { role: 'user', content: 'Hello.' }] });
  const fetched = await client.responses.retrieve(created.id);
  assert(fetched.id === created.id && fetched.output_text === created.output_text, 'retrieved response differs');
  const roles = [];
  for await (const item of client.responses.inputItems.list(created.id, { order: 'asc', limit: 1 })) roles.push(item.role);
  assert(roles.join() === 'developer,user', roles.join());
  const deleted = await client.responses.delete(created.id);
  assert(deleted === undefined || deleted === null || deleted.deleted === true || typeof deleted === 'object', 'delete');
  try {
    await client.responses.retrieve(created.id);
    throw new Error('still there after delete');
  } catch (e) {
    assert(e instanceof OpenAI.NotFoundError, `got ${e?.constructor?.name}: ${e?.message}`);
  }
});

await check('a built-in tool is a BadRequestError naming it', async () => {
  try {
    await client.responses.create({ model: 'chat', input: 'Search.', tools: [{ type: 'web_search' }] });
    throw new Error('no error');
  } catch (e) {
    assert(e instanceof OpenAI.BadRequestError, `got ${e?.constructor?.name}: ${e?.message}`);
    assert(e.param === 'tools[0]' && e.code === 'unsupported_parameter', `${e.param} ${e.code}`);
  }
});

await check('a stream cut after its first chunk ends with response.failed, never response.completed', async () => {
  const stream = await client.responses.create({ model: 'cut', input: 'Hello there.', stream: true });
  const types = [];
  let failed = null;
  for await (const event of stream) {
    types.push(event.type);
    if (event.type === 'response.failed') failed = event.response;
  }
  assert(!types.includes('response.completed'), types.join());
  assert(types.at(-1) === 'response.failed', types.at(-1));
  assert(failed.status === 'failed' && failed.error.code === 'server_error', JSON.stringify(failed.error));
});

finish();
