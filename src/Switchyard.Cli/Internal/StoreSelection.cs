using System.CommandLine;
using Switchyard.Storage;

namespace Switchyard.Cli.Internal;

/// <summary>
/// The <c>--db</c> and <c>--config</c> pair of a command that works on the store (<see cref="CliStores"/>): add it to the
/// command, then open the store the command line names. <paramref name="missingHint"/> says how the data comes to be
/// when the SQLite file is missing (default: <see cref="CliStores.MissingHint"/>).
/// </summary>
internal sealed class StoreSelection(string holds, string? missingHint = null)
{
    public Option<string?> Db { get; } = CliStores.Database(holds);

    public Option<string?> Config { get; } = CliStores.Config();

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public T AddTo<T>(T command)
        where T : Command
    {
        command.Options.Add(Db);
        command.Options.Add(Config);
        return command;
    }

    /// <summary>Opens the store the command line names; <see langword="null"/> after saying why it could not.</summary>
    public async Task<CliStores.Opened<T>?> OpenAsync<T>(ParseResult result, TimeProvider time, Func<Stores, T> pick, string? missing, CancellationToken cancellationToken)
    {
        var error = result.InvocationConfiguration.Error;
        return CliStores.Resolve(result.GetValue(Db), result.GetValue(Config), error) is { } options
            ? await CliStores.OpenAsync(options, time, error, pick, missing, cancellationToken, missingHint)
            : null;
    }
}
