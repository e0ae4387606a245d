using System.CommandLine;
using Switchyard.Cli.Internal;

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
        var db = new StoreSelection("the audit trail");
        var target = new Option<string?>("--target") { Description = "Only entries about this key id or model id." };
        var command = db.AddTo(new Command("list", "List the audit trail, oldest first.") { target });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await db.OpenAsync(pr, time, s => s.Audit, "No database at {0}.", ct);
            if (opened?.Store is not { } trail)
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
        var db = new StoreSelection("the audit trail");
        var head = new Option<string?>("--head") { Description = "A head hash printed by an earlier verify and kept elsewhere: also detects a trail rewritten or cut since." };
        var command = db.AddTo(new Command("verify", "Check the audit trail's hash chain: exit 0 intact, 1 edited or deleted entries (each named), 2 the database cannot be read.") { head });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var (output, error) = (pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error);
            await using var opened = await db.OpenAsync(pr, time, s => s.Audit, "No database at {0}.", ct);
            if (opened?.Store is not { } trail)
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
}
