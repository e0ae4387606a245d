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

    public static Option<string?> Urls() => new("--urls")
    {
        Description = "Listen URLs, overriding server.listen (e.g. http://0.0.0.0:8080; several separated by ';').",
    };
}
