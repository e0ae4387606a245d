using System.CommandLine;

namespace Switchyard.Cli.Commands;

/// <summary>Options several verbs share, so they read and behave the same everywhere.</summary>
internal static class CliOptions
{
    public const string DefaultConfigPath = "switchyard.yaml";

    public static Option<string> Config() => new("--config", "-c")
    {
        Description = "The configuration file.",
        DefaultValueFactory = _ => DefaultConfigPath,
    };

    /// <summary>
    /// A point in time as <c>--since</c> and <c>--until</c> take it: a duration back from now (30s, 15m, 2h, 7d) or an
    /// ISO-8601 time, checked when the command line is parsed.
    /// </summary>
    public static Option<string?> Time(string name, string description, TimeProvider time)
    {
        var option = new Option<string?>(name) { Description = description + ": a duration back from now (30s, 15m, 2h, 7d) or an ISO-8601 time (2026-11-21T10:00:00Z)." };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && !LogsCommand.TryParseSince(text, time.GetUtcNow(), out _))
            {
                result.AddError($"{name} '{text}' is neither a duration (30s, 15m, 2h, 7d) nor an ISO-8601 time (2026-11-21T10:00:00Z).");
            }
        });
        return option;
    }

    /// <summary>The value of a <see cref="Time"/> option, or <see langword="null"/> when it was not given.</summary>
    public static DateTimeOffset? TimeValue(ParseResult result, Option<string?> option, TimeProvider time)
        => result.GetValue(option) is { } text && LogsCommand.TryParseSince(text, time.GetUtcNow(), out var at) ? at : null;

    public static Option<string?> Urls() => new("--urls")
    {
        Description = "Listen URLs, overriding server.listen (e.g. http://0.0.0.0:8080; several separated by ';').",
    };
}
