using System.CommandLine;
using Microsoft.Data.Sqlite;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Cli.Commands;

/// <summary><c>switchyard audit list | verify</c>: the hash-chained audit trail of keys, registry decisions and admin actions.</summary>
internal static class AuditCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time) => new("audit", "Read and verify the audit trail (keys, registry decisions, admin actions).")
    {
        List(time),
        Verify(time),
    };

    private static Command List(TimeProvider time)
    {
        var db = EscalationsCommand.DatabaseOption();
        var target = new Option<string?>("--target") { Description = "Only entries about this key id or model id." };
        var command = new Command("list", "List the audit trail, oldest first.") { db, target };
        command.SetAction(pr =>
        {
            if (Open(pr.GetValue(db)!, time, pr.InvocationConfiguration.Error) is not { } trail)
            {
                return 2;
            }

            foreach (var e in trail.Entries(pr.GetValue(target)))
            {
                pr.InvocationConfiguration.Output.WriteLine($"{e.Seq,6}  {e.At:yyyy-MM-ddTHH:mm:ssZ}  {(e.Intact ? " " : "!")} {e.Actor}  {e.Action}  {e.Target}  {e.Detail}");
            }

            return 0;
        });
        return command;
    }

    private static Command Verify(TimeProvider time)
    {
        var db = EscalationsCommand.DatabaseOption();
        var head = new Option<string?>("--head") { Description = "A head hash printed by an earlier verify and kept elsewhere: also detects a trail rewritten or cut since." };
        var command = new Command("verify", "Check the audit trail's hash chain: exit 0 intact, 1 edited or deleted entries (each named), 2 the database cannot be read.") { db, head };
        command.SetAction(pr =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            if (Open(pr.GetValue(db)!, time, error) is not { } trail)
            {
                return 2;
            }

            var result = trail.Verify(pr.GetValue(head));
            if (result.Intact)
            {
                output.WriteLine($"Audit trail intact: {result.Entries} entries; head {result.Head}. Keep the head elsewhere and pass it back with --head to detect a rewrite.");
                return 0;
            }

            output.WriteLine($"Audit trail BROKEN: {result.Problems.Count} problem(s) in {result.Entries} entries:");
            foreach (var problem in result.Problems)
            {
                output.WriteLine("  " + problem);
            }

            return 1;
        });
        return command;
    }

    private static SqliteAuditTrail? Open(string path, TimeProvider time, TextWriter error)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            error.WriteLine($"No database at {full}.");
            return null;
        }

        try
        {
            return new SqliteAuditTrail(new SqliteStoreOptions { Path = full }, time);
        }
        catch (Exception e) when (e is SqliteException or SqliteSchemaException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Could not open {full}: {e.Message}");
            return null;
        }
    }
}
