using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Storage.Escalations;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard escalations</c>: the requests the quality gate escalated, with both answers: list, show, review
/// (good or bad), delete.
/// </summary>
internal static class EscalationsCommand
{
    public static Command Create() => Create(TimeProvider.System);

    internal static Command Create(TimeProvider time)
    {
        var root = new Command("escalations", "Requests the quality gate escalated: the prompt, the poor answer and why, the better answer.");
        root.Subcommands.Add(List(time));
        root.Subcommands.Add(Show(time));
        root.Subcommands.Add(Review(time));
        root.Subcommands.Add(Delete(time));
        return root;
    }

    /// <summary>The --db and --config of a command on escalation records.</summary>
    internal static StoreSelection Store() => new("the request log and escalation records");

    /// <summary>The escalation records the command line names, or <see langword="null"/> after saying why they cannot be opened.</summary>
    internal static Task<CliStores.Opened<IEscalationStore>?> OpenAsync(StoreSelection store, ParseResult pr, TimeProvider time, CancellationToken ct)
        => store.OpenAsync(pr, time, s => s.Escalations, "No database at {0}.", ct);

    private static Command List(TimeProvider time)
    {
        var db = Store();
        var route = new Option<string?>("--route") { Description = "Only escalations of this route." };
        var since = CliOptions.Time("--since", "Only escalations at or after this time", time);
        var review = new Option<string?>("--review") { Description = "good, bad or unreviewed." };
        review.AcceptOnlyFromAmong("good", "bad", "unreviewed");
        var limit = new Option<int>("--limit", "-n") { Description = "Most records to show.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "One JSON object per line, both answers included." };
        var command = db.AddTo(new Command("list", "List escalations, newest first.") { route, since, review, limit, json });
        limit.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await OpenAsync(db, pr, time, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            var records = store.Query(new EscalationQuery { Route = pr.GetValue(route), Since = CliOptions.TimeValue(pr, since, time), Review = pr.GetValue(review), Limit = pr.GetValue(limit) });
            var output = pr.InvocationConfiguration.Output;
            if (pr.GetValue(json))
            {
                foreach (var record in records)
                {
                    output.WriteLine(Json(record));
                }

                return 0;
            }

            var console = CliConsole.Create(output);
            if (records.Count == 0)
            {
                console.WriteLine("No escalations match.");
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in (string[])["time (UTC)", "request", "route", "from", "score", "failed", "to", "score", "review"])
            {
                table.AddColumn(column);
            }

            foreach (var r in records)
            {
                table.AddRow(
                    Markup.Escape(r.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                    Markup.Escape(r.RequestId),
                    Markup.Escape(r.Route),
                    Markup.Escape(r.CheapDeployment),
                    r.CheapScore.ToString("0.##", CultureInfo.InvariantCulture),
                    Markup.Escape(r.CheapFailed ?? ""),
                    Markup.Escape(r.FinalDeployment),
                    r.FinalScore.ToString("0.##", CultureInfo.InvariantCulture),
                    Markup.Escape(r.Review ?? ""));
            }

            console.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Show(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("request-id") { Description = "The request's x-request-id." };
        var command = db.AddTo(new Command("show", "Show one escalation: the request, both answers, the scores and why.") { id });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await OpenAsync(db, pr, time, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            if (store.Get(pr.GetValue(id)!) is not { } record)
            {
                pr.InvocationConfiguration.Error.WriteLine($"No escalation record for request '{pr.GetValue(id)}'. `switchyard escalations list` shows the ids.");
                return 1;
            }

            var output = pr.InvocationConfiguration.Output;
            output.WriteLine($"request {record.RequestId}, route {record.Route}, {record.Timestamp.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC" + (record.Confidential is { } why ? $", confidential ({why})" : ""));
            output.WriteLine($"request body: {record.Request}");
            output.WriteLine();
            output.WriteLine($"{record.CheapDeployment} ({record.CheapTier}) scored {record.CheapScore:0.##}" + (record.CheapJudgeScore is { } judged ? $" (judge {judged * 10:0.#}/10)" : "") + $": {record.CheapReasons ?? "no reason recorded"}");
            output.WriteLine(Spent(record.CheapInputTokens, record.CheapOutputTokens, record.CheapCostUsd, record.CheapLatencyMs, record.CheapSignals));
            output.WriteLine(record.CheapAnswer);
            output.WriteLine();
            output.WriteLine($"{record.FinalDeployment} ({record.FinalTier}) scored {record.FinalScore:0.##}" + (record.FinalFailed is { } failed ? $" (failed: {failed})" : "") + ", sent to the client:");
            output.WriteLine(Spent(record.FinalInputTokens, record.FinalOutputTokens, record.FinalCostUsd, record.FinalLatencyMs, record.FinalSignals));
            output.WriteLine(record.FinalAnswer);
            if (record.Review is { } verdict)
            {
                output.WriteLine();
                output.WriteLine($"reviewed {verdict}" + (record.ReviewNote is { } note ? $": {note}" : ""));
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// One answer's tokens, cost, time and check signals in a line:
    /// <c>(120 tokens in, 48 out; $0.000216; 812 ms; logprob_mean -1.9, judge 0.2)</c>; unknown figures are left out.
    /// </summary>
    internal static string Spent(int? input, int? output, double? cost, double? milliseconds, IReadOnlyDictionary<string, double>? signals)
    {
        var parts = new List<string>();
        if (input is not null || output is not null)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{input?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} tokens in, {output?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} out"));
        }

        parts.Add(cost is { } dollars ? string.Create(CultureInfo.InvariantCulture, $"${dollars:0.######}") : "not costed");
        if (milliseconds is { } ms)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{ms:N0} ms"));
        }

        if (signals is { Count: > 0 })
        {
            parts.Add(string.Join(", ", signals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:0.###}"))));
        }

        return "(" + string.Join("; ", parts) + ")";
    }

    private static Command Review(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("request-id") { Description = "The request's x-request-id." };
        var verdict = new Argument<string>("verdict") { Description = "good, bad, or clear." };
        verdict.AcceptOnlyFromAmong("good", "bad", "clear");
        var note = new Option<string?>("--note") { Description = "Why, for whoever reads the record next." };
        var command = db.AddTo(new Command("review", "Mark an escalation's final answer good or bad (bad ones are left out of datasets), or clear the mark.") { id, verdict, note });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await OpenAsync(db, pr, time, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            var value = pr.GetValue(verdict) == "clear" ? null : pr.GetValue(verdict);
            if (!store.Review(pr.GetValue(id)!, value, value is null ? null : pr.GetValue(note)))
            {
                pr.InvocationConfiguration.Error.WriteLine($"No escalation record for request '{pr.GetValue(id)}'. `switchyard escalations list` shows the ids.");
                return 1;
            }

            pr.InvocationConfiguration.Output.WriteLine(value is null ? $"Cleared the review of {pr.GetValue(id)}." : $"Marked {pr.GetValue(id)} {value}.");
            return 0;
        });
        return command;
    }

    private static Command Delete(TimeProvider time)
    {
        var db = Store();
        var id = new Argument<string>("request-id") { Description = "The request's x-request-id." };
        var command = db.AddTo(new Command("delete", "Delete one escalation record (its request-log row stays).") { id });
        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            await using var opened = await OpenAsync(db, pr, time, ct);
            if (opened?.Store is not { } store)
            {
                return 1;
            }

            if (!store.Delete(pr.GetValue(id)!))
            {
                pr.InvocationConfiguration.Error.WriteLine($"No escalation record for request '{pr.GetValue(id)}'.");
                return 1;
            }

            pr.InvocationConfiguration.Output.WriteLine($"Deleted the escalation record of {pr.GetValue(id)}.");
            return 0;
        });
        return command;
    }

    private static string Json(EscalationRecord r)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("request_id", r.RequestId);
            json.WriteString("ts", r.Timestamp.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            json.WriteString("route", r.Route);
            json.WriteString("endpoint", r.Endpoint);
            json.WriteString("label", r.Label);
            json.WriteString("confidential", r.Confidential);
            json.WritePropertyName("request");
            json.WriteRawValue(r.Request, skipInputValidation: false);
            json.WriteStartObject("cheap");
            json.WriteString("deployment", r.CheapDeployment);
            json.WriteString("tier", r.CheapTier);
            json.WriteNumber("score", r.CheapScore);
            json.WriteString("failed", r.CheapFailed);
            json.WriteString("reasons", r.CheapReasons);
            if (r.CheapJudgeScore is { } cheapJudge)
            {
                json.WriteNumber("judge_score", cheapJudge);
            }

            json.WriteString("answer", r.CheapAnswer);
            Tokens(json, r.CheapInputTokens, r.CheapOutputTokens);
            Spending(json, r.CheapCostUsd, r.CheapLatencyMs, r.CheapSignals);
            json.WriteEndObject();
            json.WriteStartObject("final");
            json.WriteString("deployment", r.FinalDeployment);
            json.WriteString("tier", r.FinalTier);
            json.WriteNumber("score", r.FinalScore);
            json.WriteString("failed", r.FinalFailed);
            if (r.FinalJudgeScore is { } finalJudge)
            {
                json.WriteNumber("judge_score", finalJudge);
            }

            json.WriteString("answer", r.FinalAnswer);
            Tokens(json, r.FinalInputTokens, r.FinalOutputTokens);
            Spending(json, r.FinalCostUsd, r.FinalLatencyMs, r.FinalSignals);
            json.WriteEndObject();
            json.WriteString("review", r.Review);
            json.WriteString("review_note", r.ReviewNote);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));

        static void Spending(Utf8JsonWriter json, double? cost, double? milliseconds, IReadOnlyDictionary<string, double>? signals)
        {
            if (cost is { } dollars)
            {
                json.WriteNumber("cost_usd", dollars);
            }

            if (milliseconds is { } ms)
            {
                json.WriteNumber("latency_ms", ms);
            }

            if (signals is { Count: > 0 })
            {
                json.WriteStartObject("signals");
                foreach (var (name, value) in signals.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    json.WriteNumber(name, value);
                }

                json.WriteEndObject();
            }
        }

        static void Tokens(Utf8JsonWriter json, int? input, int? output)
        {
            if (input is { } i)
            {
                json.WriteNumber("input_tokens", i);
            }

            if (output is { } o)
            {
                json.WriteNumber("output_tokens", o);
            }
        }
    }
}
