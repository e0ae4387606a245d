using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Gateway.Auth;
using Switchyard.Storage.Keys;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard keys create | list | revoke</c>: virtual keys in the gateway's database. A key is printed once, when it is
/// created; only its id and hash are stored.
/// </summary>
internal static class KeysCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time) => new("keys", "Create, list and revoke the virtual keys clients send (auth: { keys: required }).")
    {
        CreateKey(time),
        List(time),
        Revoke(time),
    };

    private static Command CreateKey(TimeProvider time)
    {
        var db = new StoreSelection("the keys");
        var team = new Option<string>("--team") { Description = "The team the key belongs to.", Required = true };
        var name = new Option<string?>("--name") { Description = "What the key is for (shown in lists)." };
        var routes = new Option<string?>("--routes") { Description = "The routes it may use, comma-separated (default: every route)." };
        var rpm = new Option<int?>("--rpm") { Description = "Requests per minute it may send." };
        var tpm = new Option<int?>("--tpm") { Description = "Tokens per minute it may use." };
        var concurrency = new Option<int?>("--max-concurrency") { Description = "Requests it may have in flight at once." };
        var expires = new Option<string?>("--expires") { Description = "When it stops working: a duration from now (30d, 12h) or an ISO-8601 time." };
        var confidential = new Option<bool>("--confidential") { Description = "Every request of the key is confidential: served in-house only." };
        var budget = new Option<string?>("--budget") { Description = "A hard budget of the key's own, in dollars per day or month: 50/day, 1000/month (default /day)." };
        var tags = new Option<string?>("--tags") { Description = "Tags its requests carry when they bring none (choosing tiers), comma-separated, e.g. code." };
        var metadata = new Option<string[]>("--metadata") { Description = "A fact about the key, NAME=VALUE (repeatable): owner, ticket, cost centre.", AllowMultipleArgumentsPerToken = false };
        var role = new Option<string?>("--role") { Description = "Its role on the admin API: admin, operator, auditor, legal or security (default: a client key)." };
        role.AcceptOnlyFromAmong(KeyTerms.Roles);
        var command = db.AddTo(new Command("create", "Create a key and print it once.") { team, name, routes, rpm, tpm, concurrency, expires, confidential, role, tags, metadata, budget });
        foreach (var limit in (Option<int?>[])[rpm, tpm, concurrency])
        {
            limit.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is < 1)
                {
                    r.AddError($"{r.Option.Name} must be at least 1.");
                }
            });
        }

        team.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { } value && KeyTerms.TeamProblem(value) is { } problem)
            {
                r.AddError($"--team {problem}.");
            }
        });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            var output = pr.InvocationConfiguration.Output;
            DateTimeOffset? until = null;
            if (pr.GetValue(expires) is { } text)
            {
                if (!KeyTerms.TryParseExpiry(text, time.GetUtcNow(), out var at))
                {
                    error.WriteLine($"--expires {KeyTerms.ExpiryProblem(text)}");
                    return 1;
                }

                until = at;
            }

            double? budgetUsd = null;
            string? budgetPeriod = null;
            if (pr.GetValue(budget) is { } budgetText)
            {
                if (!KeyTerms.TryParseBudget(budgetText, out var dollars, out var period))
                {
                    error.WriteLine($"--budget '{budgetText}' is not DOLLARS/day or DOLLARS/month, e.g. --budget 50/day.");
                    return 1;
                }

                (budgetUsd, budgetPeriod) = (dollars, period);
            }

            var facts = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var pair in pr.GetValue(metadata) ?? [])
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals <= 0)
                {
                    error.WriteLine($"--metadata '{pair}' is not NAME=VALUE, e.g. --metadata owner=search-team.");
                    return 1;
                }

                facts[pair[..equals].Trim()] = pair[(equals + 1)..].Trim();
            }

            await using var opened = await db.OpenAsync(pr, time, s => s.Keys, null, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            var (key, id, hash) = ApiKeys.Generate();
            var record = new ApiKeyRecord
            {
                Id = id,
                Hash = hash,
                Team = pr.GetValue(team)!,
                Name = pr.GetValue(name),
                Routes = pr.GetValue(routes)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                RequestsPerMinute = pr.GetValue(rpm),
                TokensPerMinute = pr.GetValue(tpm),
                MaxConcurrency = pr.GetValue(concurrency),
                Role = pr.GetValue(role),
                Tags = pr.GetValue(tags)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
                Metadata = facts,
                BudgetUsd = budgetUsd,
                BudgetPeriod = budgetPeriod,
                Confidential = pr.GetValue(confidential),
                Created = time.GetUtcNow(),
                Expires = until,
            };
            if (!store.Add(record, time.GetUtcNow(), "cli:" + Environment.UserName))
            {
                error.WriteLine("A key with the same id exists (a one in 10^15 draw): run the command again.");
                return 1;
            }

            output.WriteLine(key);
            error.WriteLine($"Created {id} for team {record.Team}{(record.Routes.Count > 0 ? " (routes: " + string.Join(", ", record.Routes) + ")" : "")}{(until is { } u ? $", expiring {u:yyyy-MM-ddTHH:mm:ssZ}" : "")}.");
            error.WriteLine("This is the only time the key is shown: only its hash is stored. Clients send it as Authorization: Bearer <key>.");
            return 0;
        });
        return command;
    }

    private static Command List(TimeProvider time)
    {
        var db = new StoreSelection("the keys");
        var team = new Option<string?>("--team") { Description = "Only this team's keys." };
        var command = db.AddTo(new Command("list", "List the keys (ids, never the keys), newest first.") { team });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await db.OpenAsync(pr, time, s => s.Keys, null, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            var now = time.GetUtcNow();
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in (string[])["id", "team", "name", "routes", "rpm", "tpm", "confidential", "created", "state"])
            {
                table.AddColumn(column);
            }

            foreach (var key in store.List(pr.GetValue(team)))
            {
                var state = key.Revoked is { } revoked ? $"revoked {revoked:yyyy-MM-dd HH:mm}"
                    : !key.IsActive(now) ? $"expired {key.Expires:yyyy-MM-dd HH:mm}"
                    : key.Expires is { } expires ? $"active until {expires:yyyy-MM-dd HH:mm}" : "active";
                table.AddRow(
                    key.Id,
                    Markup.Escape(key.Team),
                    Markup.Escape(key.Name ?? "-"),
                    Markup.Escape(key.Routes.Count == 0 ? "all" : string.Join(", ", key.Routes)),
                    key.RequestsPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    key.TokensPerMinute?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    key.Confidential ? "yes" : "no",
                    key.Created.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    state);
            }

            CliConsole.Create(pr.InvocationConfiguration.Output).Write(table);
            return 0;
        });
        return command;
    }

    private static Command Revoke(TimeProvider time)
    {
        var db = new StoreSelection("the keys");
        var id = new Argument<string>("id") { Description = "The key's id (sy_ and 10 characters, as keys list shows it)." };
        var command = db.AddTo(new Command("revoke", "Revoke a key: every gateway on the database refuses it within a second (at once on PostgreSQL).") { id });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var error = pr.InvocationConfiguration.Error;
            await using var opened = await db.OpenAsync(pr, time, s => s.Keys, null, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            var keyId = pr.GetValue(id)!;
            if (keyId.Length > 13 && ApiKeys.TryParse(keyId, out var parsed))
            {
                // A whole key pasted instead of its id: use the id, and never print the key back.
                keyId = parsed;
            }

            if (!store.Revoke(keyId, time.GetUtcNow(), "cli:" + Environment.UserName))
            {
                error.WriteLine(store.Find(keyId) is { Revoked: { } when } ? $"{keyId} was already revoked at {when:yyyy-MM-ddTHH:mm:ssZ}." : $"There is no key {Markup.Escape(keyId.Length > 20 ? keyId[..20] + "..." : keyId)} (switchyard keys list shows the ids).");
                return 1;
            }

            pr.InvocationConfiguration.Output.WriteLine($"Revoked {keyId}.");
            return 0;
        });
        return command;
    }
}
