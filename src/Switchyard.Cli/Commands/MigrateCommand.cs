using System.CommandLine;
using Switchyard.Cli.Internal;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard migrate</c>: brings the store's schema up to date and says from which version to which. The gateway does
/// the same at every start; running it first (a deployment step) keeps the upgrade out of the gateways' start, and shows a
/// database that this build cannot use (a newer schema, a missing schema, no connection) before any gateway is rolled out.
/// </summary>
internal static class MigrateCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var store = new StoreSelection("the gateway's state and request log");
        var command = store.AddTo(new Command("migrate", "Apply the store's pending schema steps (forward-only, never dropping data): the SQLite file of --db, or the storage: of --config (default: switchyard.yaml when there is one)."));
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            var configPath = pr.GetValue(store.Config) ?? (pr.GetValue(store.Db) is null && File.Exists(CliOptions.DefaultConfigPath) ? CliOptions.DefaultConfigPath : null);
            if (CliStores.Resolve(pr.GetValue(store.Db), configPath, error) is not { } options)
            {
                return 1;
            }

            await using var opened = await CliStores.OpenAsync(options, time, error, s => s.Migration, null, ct);
            if (opened is null)
            {
                return 1;
            }

            var (from, to) = opened.Store;
            output.WriteLine(from == to
                ? $"{opened.Stores.Description}: schema version {to}, up to date."
                : $"{opened.Stores.Description}: schema version {from} -> {to} ({to - from} step{(to - from == 1 ? "" : "s")} applied).");
            return 0;
        });
        return command;
    }
}
