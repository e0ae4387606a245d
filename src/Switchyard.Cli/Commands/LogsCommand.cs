using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;
using Switchyard.Cli.Internal;
using Switchyard.Storage.RequestLog;

namespace Switchyard.Cli.Commands;

/// <summary>
/// <c>switchyard logs</c>: lists the request log, newest first, as a table or as JSON lines (<c>--json</c>), filtered by
/// route, deployment, status, errors and time.
/// </summary>
internal static class LogsCommand
{
    public static Command Create() => Create(TimeProvider.System);

    /// <summary>Creates the command with the clock that relative <c>--since</c> values count back from.</summary>
    internal static Command Create(TimeProvider timeProvider)
    {
        var db = new StoreSelection("the request log");
        var route = new Option<string?>("--route") { Description = "Only requests for this route (the model name clients ask for)." };
        var deployment = new Option<string?>("--deployment") { Description = "Only requests answered (or last tried) by this deployment." };
        var errors = new Option<bool>("--errors") { Description = "Only failed requests (status 400 and above)." };
        var escalated = new Option<bool>("--escalated") { Description = "Only requests the quality gate escalated past a poor answer." };
        var status = new Option<int?>("--status") { Description = "Only requests that got this HTTP status." };
        var since = CliOptions.Time("--since", "Only requests at or after this time", timeProvider);
        var limit = new Option<int>("--limit", "-n") { Description = "Most requests to show.", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per line instead of a table." };

        var command = new Command("logs", "Show recent requests from the request log, newest first.");
        db.AddTo(command);
        command.Options.Add(route);
        command.Options.Add(deployment);
        command.Options.Add(errors);
        command.Options.Add(escalated);
        command.Options.Add(status);
        command.Options.Add(since);
        command.Options.Add(limit);
        command.Options.Add(json);
        // Option validators, not a command validator: there GetValue ignores DefaultValueFactory and --limit would read 0.
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });

        command.SetAction(async (ParseResult pr, CancellationToken ct) =>
        {
            var output = pr.InvocationConfiguration.Output;
            var error = pr.InvocationConfiguration.Error;
            var from = CliOptions.TimeValue(pr, since, timeProvider);

            var query = new RequestLogQuery
            {
                Route = pr.GetValue(route),
                Deployment = pr.GetValue(deployment),
                ErrorsOnly = pr.GetValue(errors),
                EscalatedOnly = pr.GetValue(escalated),
                Status = pr.GetValue(status),
                Since = from,
                Limit = pr.GetValue(limit),
            };

            IReadOnlyList<RequestLogEntry> entries;
            // Opening brings a store from an older switchyard up to date, and refuses one from a newer switchyard.
            await using (var opened = await db.OpenAsync(pr, timeProvider, s => s.CreateRequestLogStore(), "No request log at {0}.", ct))
            {
                if (opened is null)
                {
                    return 1;
                }

                try
                {
                    entries = await opened.Store.QueryAsync(query, ct);
                }
                catch (System.Data.Common.DbException exception)
                {
                    error.WriteLine($"Could not read the request log in {opened.Stores.Description}: {exception.Message}");
                    return 1;
                }
            }

            if (pr.GetValue(json))
            {
                WriteJsonLines(output, entries);
            }
            else
            {
                WriteTable(output, entries);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Parses <c>--since</c>: <c>Ns</c>, <c>Nm</c>, <c>Nh</c> or <c>Nd</c> back from <paramref name="now"/>, or an ISO-8601 time (UTC if it has no offset).</summary>
    internal static bool TryParseSince(string text, DateTimeOffset now, out DateTimeOffset since)
    {
        since = default;
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && int.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            TimeSpan? back = char.ToLowerInvariant(trimmed[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                _ => null,
            };
            if (back is { } duration)
            {
                since = now - duration;
                return true;
            }
        }

        if (trimmed.Length > 0 && char.IsAsciiDigit(trimmed[0])
            && DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            since = time;
            return true;
        }

        return false;
    }

    private static void WriteTable(TextWriter output, IReadOnlyList<RequestLogEntry> entries)
    {
        var console = CliConsole.Create(output);

        if (entries.Count == 0)
        {
            console.WriteLine("No requests match.");
            return;
        }

        var table = new Table()
            .AddColumn("time (UTC)")
            .AddColumn("request id")
            .AddColumn("route")
            .AddColumn("tier")
            .AddColumn("deployment")
            .AddColumn(new TableColumn("attempts").RightAligned())
            .AddColumn(new TableColumn("status").RightAligned())
            .AddColumn(new TableColumn("latency ms").RightAligned())
            .AddColumn(new TableColumn("TTFT ms").RightAligned())
            .AddColumn(new TableColumn("tokens in/out").RightAligned())
            .AddColumn("error");
        foreach (var entry in entries)
        {
            var statusStyle = entry.Status >= 500 ? new Style(Color.Red) : entry.Status >= 400 ? new Style(Color.Yellow) : new Style(Color.Green);
            var error = entry.ErrorType is null ? entry.ErrorMessage ?? string.Empty : $"{entry.ErrorType}: {entry.ErrorMessage}";
            table.AddRow(
                new Text(entry.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture)),
                new Text(entry.RequestId),
                new Text(entry.Route ?? "-"),
                new Text(entry.Tier ?? "-"),
                new Text(entry.Deployment ?? "-"),
                new Text(entry.Attempts.ToString(CultureInfo.InvariantCulture)),
                new Text(entry.Status.ToString(CultureInfo.InvariantCulture), statusStyle),
                new Text(entry.LatencyMs.ToString("0", CultureInfo.InvariantCulture)),
                new Text(entry.TimeToFirstTokenMs?.ToString("0", CultureInfo.InvariantCulture) ?? "-"),
                new Text($"{Format(entry.InputTokens)}/{Format(entry.OutputTokens)}"),
                new Text(error));
        }

        console.Write(table);
        console.WriteLine($"{entries.Count} request(s), newest first.");
    }

    private static string Format(int? tokens) => tokens?.ToString(CultureInfo.InvariantCulture) ?? "-";

    // One object per line, every field present (null when unknown), so that jq and log shippers see a stable shape.
    private static void WriteJsonLines(TextWriter output, IReadOnlyList<RequestLogEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        // Relaxed escaping: the output goes to a terminal or a pipe, never into HTML, so quotes and non-ASCII stay readable.
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        foreach (var entry in entries)
        {
            buffer.ResetWrittenCount();
            json.Reset(buffer);
            json.WriteStartObject();
            json.WriteString("timestamp", entry.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("request_id", entry.RequestId);
            json.WriteString("endpoint", entry.Endpoint);
            json.WriteString("route", entry.Route);
            json.WriteString("deployment", entry.Deployment);
            json.WriteNumber("attempts", entry.Attempts);
            json.WriteNumber("status", entry.Status);
            json.WriteBoolean("stream", entry.Stream);
            json.WriteNumber("latency_ms", entry.LatencyMs);
            WriteNumberOrNull(json, "ttft_ms", entry.TimeToFirstTokenMs);
            WriteNumberOrNull(json, "input_tokens", entry.InputTokens);
            WriteNumberOrNull(json, "output_tokens", entry.OutputTokens);
            json.WriteString("error_type", entry.ErrorType);
            json.WriteString("error_message", entry.ErrorMessage);
            json.WriteString("tier", entry.Tier);
            json.WriteString("label", entry.Label);
            json.WriteString("rule", entry.Rule);
            WriteNumberOrNull(json, "router_score", entry.RouterScore);
            json.WriteString("confidential", entry.Confidential);
            json.WriteString("fallback_reason", entry.FallbackReason);
            WriteNumberOrNull(json, "quality_score", entry.QualityScore);
            json.WriteString("quality_failed", entry.QualityFailed);
            json.WriteString("escalated_from", entry.EscalatedFrom);
            WriteNumberOrNull(json, "cost_usd", entry.CostUsd);
            WriteNumberOrNull(json, "extra_cost_usd", entry.ExtraCostUsd);
            WriteNumberOrNull(json, "escalated_cost_usd", entry.EscalatedCostUsd);
            WriteNumberOrNull(json, "checks_cost_usd", entry.ChecksCostUsd);
            WriteNumberOrNull(json, "failed_cost_usd", entry.FailedCostUsd);
            WriteNumberOrNull(json, "baseline_cost_usd", entry.BaselineCostUsd);
            WriteNumberOrNull(json, "cached_tokens", entry.CachedTokens);
            WriteNumberOrNull(json, "reasoning_tokens", entry.ReasoningTokens);
            json.WriteBoolean("usage_estimated", entry.UsageEstimated);
            json.WriteBoolean("cost_estimated", entry.CostEstimated);
            // Each call behind the extra costs, under the deployment and tier that made it.
            json.WriteStartArray("cost_parts");
            foreach (var part in entry.CostParts ?? [])
            {
                json.WriteStartObject();
                json.WriteString("kind", RequestCostPart.Word(part.Kind));
                json.WriteString("deployment", part.Deployment);
                json.WriteString("tier", part.Tier);
                json.WriteNumber("input_tokens", part.InputTokens);
                json.WriteNumber("output_tokens", part.OutputTokens);
                WriteNumberOrNull(json, "cost_usd", part.CostUsd);
                json.WriteBoolean("estimated", part.Estimated);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (entry.AttemptsJson is { } attempts && IsJson(attempts))
            {
                // Written by the gateway as a JSON array: embedded as JSON, not as a string to parse twice.
                json.WritePropertyName("attempts_detail");
                json.WriteRawValue(attempts, skipInputValidation: false);
            }
            else
            {
                json.WriteNull("attempts_detail");
            }

            json.WriteEndObject();
            json.Flush();
            output.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    /// <summary>Whether a stored column holds valid JSON (a file edited by hand must not break the listing).</summary>
    private static bool IsJson(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
