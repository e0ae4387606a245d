using System.CommandLine;
using Switchyard.Cli.Commands;

namespace Switchyard.Cli;

/// <summary>The <c>switchyard</c> executable: one command per verb, each in <c>Commands/</c>.</summary>
internal static class Program
{
    /// <summary>Runs socket continuations on the epoll threads (one per core) instead of handing each to the thread pool.</summary>
    internal const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// True when <see cref="Main"/> turned inline completions on itself (the operator did not set the variable), so a
    /// command may turn them off again before the first socket is made (<c>serve</c> does for PostgreSQL).
    /// </summary>
    internal static bool InlineCompletionsByDefault { get; private set; }

    public static Task<int> Main(string[] args)
    {
        // PERF: the request path never blocks, so socket completions can run inline: one thread hop fewer per socket
        // event (see docs/decisions/0004-inline-socket-completions.md). Read once, when the first socket is made, so it
        // is set here, before anything else. An operator's own setting wins.
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
            InlineCompletionsByDefault = true;
        }

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
