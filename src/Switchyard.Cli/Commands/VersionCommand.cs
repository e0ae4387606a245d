using System.CommandLine;
using System.Reflection;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard version</c>: prints the version and runtime.</summary>
internal static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version of switchyard and of the .NET runtime.");
        command.SetAction(parseResult =>
        {
            var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            parseResult.InvocationConfiguration.Output.WriteLine($"switchyard {version} (.NET {Environment.Version})");
            return 0;
        });
        return command;
    }
}
