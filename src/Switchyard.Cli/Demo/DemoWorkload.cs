using System.Net.Http.Headers;
using System.Text;

namespace Switchyard.Cli.Demo;

/// <summary>
/// The mixed traffic the demo sends through the gateway: chat (plain, streamed, with tools, in JSON mode) on the
/// open-model route and the frontier route, legacy completions and embeddings. Built from a seed, so every run of the
/// demo sends the same requests.
/// </summary>
internal static class DemoWorkload
{
    private static readonly string[] Prompts =
    [
        "Summarise the main causes of the French Revolution in three sentences.",
        "Write a Python function that returns the n-th Fibonacci number iteratively.",
        "Explain what an indemnification clause in a software licence agreement does.",
        "What are common symptoms of iron-deficiency anaemia and how is it diagnosed?",
        "Translate 'the gateway routes most requests to the open model' into French.",
        "Fix the bug: for (int i = 0; i <= items.Length; i++) { Console.WriteLine(items[i]); }",
        "Draft a short, polite email declining a meeting invitation.",
        "What is 17 multiplied by 23, and how would you check the answer?",
        "Give three arguments for and against a four-day working week.",
        "Explain the difference between a mutex and a semaphore with an example.",
        "What is the usual adult dosage of ibuprofen, and when should a patient see a doctor instead?",
        "A train leaves at 14:05 and arrives at 17:50; how long is the journey in minutes? Show the working.",
        "Who is liable when a subcontractor breaches a confidentiality obligation under English law?",
        "Prove that the square root of 2 is irrational.",
    ];

    /// <summary>The request at position <paramref name="index"/> of the workload.</summary>
    public static HttpRequestMessage Create(int index)
    {
        var prompt = Prompts[index % Prompts.Length];
        var kind = index % 10;
        var (path, json) = kind switch
        {
            0 or 1 or 2 => ("v1/chat/completions", Chat("chat", prompt, stream: false)),
            3 or 4 => ("v1/chat/completions", Chat("chat", prompt, stream: true)),
            5 => ("v1/chat/completions", Tools("chat", prompt)),
            6 => ("v1/chat/completions", Json("chat", prompt)),
            7 => ("v1/chat/completions", Chat("frontier", prompt, stream: index % 2 == 0)),
            8 => ("v1/embeddings", $$"""{"model":"embeddings","input":[{{Quote(prompt)}},"a second input"]}"""),
            _ => ("v1/completions", $$"""{"model":"chat","prompt":{{Quote(prompt)}},"max_tokens":48}"""),
        };
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        if (path == "v1/chat/completions" && index % 5 == 1)
        {
            // Some clients tag their requests; the rest are labelled by the content classifier (when a route has specialists).
            request.Headers.Add("x-switchyard-tags", prompt.Contains("Python", StringComparison.Ordinal) || prompt.Contains("bug", StringComparison.Ordinal) ? "code" : prompt.Contains("clause", StringComparison.Ordinal) ? "legal" : "general");
        }

        if (index % 20 == 12)
        {
            // A confidential request: served in-house whatever happens, never by the frontier API.
            request.Headers.Add("x-switchyard-confidential", "true");
        }

        return request;
    }

    private static string Chat(string model, string prompt, bool stream) => $$"""
        {"model":"{{model}}","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":{{Quote(prompt)}}}],"max_tokens":160,"stream":{{(stream ? "true" : "false")}}}
        """;

    private static string Tools(string model, string prompt) =>
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + Quote(prompt) + "}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"search_docs\",\"description\":\"Search internal documentation\","
        + "\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"},\"limit\":{\"type\":\"integer\"}},\"required\":[\"query\"]}}}],"
        + "\"tool_choice\":\"auto\"}";

    private static string Json(string model, string prompt) =>
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":" + Quote(prompt + " Answer as JSON with keys answer and confidence.") + "}],"
        + "\"response_format\":{\"type\":\"json_object\"}}";

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text, DemoJsonContext.Default.String);
}
