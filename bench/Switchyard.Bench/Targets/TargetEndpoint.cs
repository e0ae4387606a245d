using System.Collections.Immutable;
using System.Text;

namespace Switchyard.Bench.Targets;

/// <summary>How clients call one target: the URL, the model name it expects, the headers it needs and the key it sends.</summary>
internal sealed record TargetEndpoint(Uri ChatCompletions, string Model, ImmutableArray<KeyValuePair<string, string>> Headers, string ApiKey = TargetEndpoint.AnyKey)
{
    /// <summary>The key every request carries unless the target needs a real one, as a real client's would (the upstream and nginx ignore it).</summary>
    public const string AnyKey = "sk-bench";

    /// <summary>The benchmark's request: a short chat turn, 32 tokens at most.</summary>
    public string Body(bool stream)
        => "{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, how are you today?\"}],\"max_tokens\":32"
           + (stream ? ",\"stream\":true}" : "}");

    public byte[] BodyBytes(bool stream) => Encoding.UTF8.GetBytes(Body(stream));

    /// <summary>The target's headers plus the authorization every request carries.</summary>
    public IEnumerable<KeyValuePair<string, string>> AllHeaders()
    {
        yield return KeyValuePair.Create("Authorization", "Bearer " + ApiKey);
        foreach (var header in Headers)
        {
            yield return header;
        }
    }
}
