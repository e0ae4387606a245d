using System.CommandLine;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard config validate [--config FILE]</c>: checks a configuration file and lists every error in it.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Work with the switchyard.yaml configuration file.");
        command.Subcommands.Add(CreateValidate());
        return command;
    }

    private static Command CreateValidate()
    {
        var config = CliOptions.Config();
        var command = new Command("validate", "Check a configuration file: print every error with its line (exit code 1), or a summary when it is valid.")
        {
            config,
        };
        command.SetAction((ParseResult parseResult) =>
        {
            var path = parseResult.GetValue(config)!;
            var result = ConfigLoader.Load(path);
            if (!result.Succeeded)
            {
                // One error per line in the compiler shape (file:line:col: key: message), so editors and CI can jump to them.
                var error = parseResult.InvocationConfiguration.Error;
                foreach (var e in result.Errors)
                {
                    error.WriteLine(e.ToString());
                }

                return 1;
            }

            var snapshot = result.Config;
            parseResult.InvocationConfiguration.Output.WriteLine(
                $"{path} is valid: {Count(snapshot.Providers.Length, "provider")}, {Count(snapshot.Deployments.Length, "deployment")}, {Count(snapshot.Routes.Length, "route")}");
            return 0;
        });
        return command;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
