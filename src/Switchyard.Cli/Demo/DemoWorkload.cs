using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Switchyard.Cli.Demo;

/// <summary>
/// The mixed traffic the demo sends through the gateway: chat (plain, streamed, with tools, in JSON mode) on the
/// open-model route and the frontier route, legacy completions and embeddings. The same every run. Prompts come from
/// templates per kind (general, code, legal, medical, math) filled with a subject; round 2 fills the same templates with
/// subjects round 1 never had, so the router trained on round 1 meets prompts it has not seen, of kinds it has.
/// </summary>
internal static class DemoWorkload
{
    private enum Kind
    {
        General,
        Code,
        Legal,
        Medical,
        Math,
    }

    /// <summary>The kind of prompt at each position of a cycle of the workload.</summary>
    private static readonly Kind[] Cycle =
    [
        Kind.General, Kind.Code, Kind.Legal, Kind.Medical, Kind.General, Kind.Code, Kind.General, Kind.Math,
        Kind.General, Kind.Code, Kind.Medical, Kind.Math, Kind.Legal, Kind.Math, Kind.Medical, Kind.Medical,
    ];

    private static readonly (string[] Templates, string[] FirstRound, string[] SecondRound)[] Kinds =
    [
        (
            ["Summarise the main causes of {0} in three sentences.", "Give three arguments for and against {0}.", "Draft a short, polite email about {0}.", "Write a short paragraph on {0} for a newsletter."],
            ["the French Revolution", "a four-day working week", "the office move next month", "cycling lanes in the city centre", "the printing press"],
            ["the First World War", "working from home", "the new travel booking process", "high-speed rail", "the invention of the telephone"]),
        (
            ["Write a Python function that {0}.", "Fix the bug in this code, which {0} but crashes on empty input.", "Explain, with a code example, a function that {0}.", "Refactor a JavaScript function that {0}."],
            ["returns the n-th Fibonacci number", "parses a CSV line into fields", "reverses a linked list", "counts the words in a file", "merges two sorted arrays"],
            ["checks whether a string is a palindrome", "finds the largest number in a list", "removes duplicates from an array", "converts Celsius to Fahrenheit", "splits a sentence into words"]),
        (
            ["Explain what {0} in a services contract does.", "Is {0} in a contract enforceable under English law?", "Summarise the liability risks of {0} in a supplier agreement."],
            ["an indemnification clause", "a limitation of liability clause", "a non-compete clause", "an arbitration clause"],
            ["a confidentiality clause", "a termination for convenience clause", "a force majeure clause", "a liquidated damages clause"]),
        (
            ["What are the early symptoms of {0}, and how is it diagnosed?", "What is the usual adult dose of medication for {0}, and when should a patient see a doctor instead?", "What treatment options does a patient with {0} have?", "Which symptoms of {0} mean a patient should see a doctor urgently?"],
            ["iron-deficiency anaemia", "high blood pressure", "asthma", "gout", "shingles"],
            ["type 2 diabetes", "a migraine", "psoriasis", "tonsillitis", "an underactive thyroid"]),
        (
            ["What is {0}, and how would you check the answer?", "Calculate {0} and show the working.", "Solve this step by step: {0}."],
            ["17 multiplied by 23", "the sum of the first 50 odd numbers", "15 percent of 240", "the square root of 1764"],
            ["48 multiplied by 12", "the sum of the integers from 1 to 100", "35 percent of 180", "the area of a circle of radius 7"]),
    ];

    /// <summary>The prompt of the request at position <paramref name="index"/> of round <paramref name="round"/> (1 or 2).</summary>
    public static string Prompt(int index, int round = 1) => Prompt(index, round, out _);

    /// <summary>
    /// The kind of the prompt at position <paramref name="index"/> (the same in both rounds): <c>general</c>, <c>code</c>,
    /// <c>legal</c>, <c>medical</c> or <c>math</c>. Medical is the hard kind: the demo's open model is poor at it.
    /// </summary>
    public static string KindOf(int index) => Cycle[index % Cycle.Length].ToString().ToLowerInvariant();

    /// <summary>
    /// The <c>x-request-id</c> the workload sends (the gateway keeps a client's id): the run, the round and the position,
    /// so that what the request log says of a request can be traced to its prompt.
    /// </summary>
    public static string RequestId(string run, int round, int index) => string.Create(CultureInfo.InvariantCulture, $"demo-{run}-r{round}-{index}");

    /// <summary>The round and position of a request id <see cref="RequestId"/> made; false for any other id.</summary>
    public static bool TryParseRequestId(string? id, out int round, out int index)
    {
        round = 0;
        index = 0;
        if (id is null || !id.StartsWith("demo-", StringComparison.Ordinal))
        {
            return false;
        }

        var parts = id.Split('-');
        return parts.Length == 4 && parts[2].StartsWith('r')
            && int.TryParse(parts[2].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out round)
            && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static string Prompt(int index, int round, out Kind kind)
    {
        kind = Cycle[index % Cycle.Length];
        // The how-manyth prompt of its kind this is: consecutive ones of a kind take the next template and the next subject
        // (template and subject counts are coprime, so the pairs repeat only after all of them have been asked).
        var perCycle = 0;
        var before = 0;
        for (var i = 0; i < Cycle.Length; i++)
        {
            if (Cycle[i] == kind)
            {
                perCycle++;
                before += i < index % Cycle.Length ? 1 : 0;
            }
        }

        var occurrence = (index / Cycle.Length * perCycle) + before;
        var (templates, first, second) = Kinds[(int)kind];
        var subjects = round == 1 ? first : second;
        return string.Format(CultureInfo.InvariantCulture, templates[occurrence % templates.Length], subjects[occurrence % subjects.Length]);
    }

    /// <summary>
    /// The request at position <paramref name="index"/> of round <paramref name="round"/> (1 or 2) of the workload; with a
    /// <paramref name="run"/>, it carries the <see cref="RequestId"/> of that run.
    /// </summary>
    public static HttpRequestMessage Create(int index, int round = 1, string? run = null)
    {
        var prompt = Prompt(index, round, out var promptKind);
        var shape = index % 10;
        if (promptKind == Kind.Medical && shape is 5 or 6)
        {
            // Medical questions come from a patient-facing assistant: plain chat, never tool calls or JSON mode.
            shape = 0;
        }

        var (path, json) = shape switch
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
            request.Headers.Add("x-switchyard-tags", promptKind switch { Kind.Code => "code", Kind.Legal => "legal", _ => "general" });
        }

        if (run is not null)
        {
            request.Headers.Add("x-request-id", RequestId(run, round, index));
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
