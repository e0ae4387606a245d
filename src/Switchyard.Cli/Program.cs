using System.CommandLine;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli;

/// <summary>The <c>switchyard</c> executable: one command per verb, each in <c>Commands/</c>.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Socket completions run inline only in the commands that serve (Internal/InlineCompletions.cs says why).
        var root = new RootCommand("Switchyard: one OpenAI-compatible gateway in front of self-hosted open models and frontier APIs.");
        // Each verb lives in Commands/<Verb>Command.cs and exposes Create(); add new verbs below, one line each.
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ConfigCommand.Create());
        root.Subcommands.Add(VersionCommand.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(LogsCommand.Create());
        root.Subcommands.Add(ScanCommand.Create());
        root.Subcommands.Add(EscalationsCommand.Create());
        root.Subcommands.Add(DatasetCommand.Create());
        root.Subcommands.Add(RouterCommand.Create());
        root.Subcommands.Add(CostsCommand.Create());
        root.Subcommands.Add(TcoCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(ModelsCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(ShadowCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        return root.Parse(args).InvokeAsync();
    }
}
