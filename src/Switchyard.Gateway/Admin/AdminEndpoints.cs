using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Gateway.Api;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.Keys;
using Switchyard.Storage.RequestLog;
using Switchyard.Storage.Models;

namespace Switchyard.Gateway.Admin;

/// <summary>
/// The admin API under <c>/admin</c> (JSON; described at <c>/admin/openapi.json</c>): keys, teams, routes, the request
/// log, costs, the registry and the audit trail. Every call needs a key, whatever <c>auth.keys</c> says: a key with a
/// role, a client key (its own team's rows), or the bootstrap admin key from <c>SWITCHYARD_ADMIN_KEY</c>. What each role
/// may do is <see cref="Caller"/>'s (decision 14). Every write goes to the audit trail, in the write's transaction.
/// </summary>
internal static partial class AdminEndpoints
{
    public const string BootstrapVariable = "SWITCHYARD_ADMIN_KEY";

    /// <summary>The shortest bootstrap admin key accepted (about 190 bits in base64).</summary>
    public const int MinBootstrapLength = 32;

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Who is calling: the key's id (or <c>bootstrap</c>), its role and team, and its key (none for bootstrap). What each
    /// role may do (decision 14): admin everything; operator client keys and every read; auditor every read; legal and
    /// security the registry; a client key its own team's keys, log, costs, team and routes.
    /// </summary>
    internal readonly record struct Caller(string Actor, string? Role, string? Team, ApiKeyRecord? Key)
    {
        /// <summary>Every team's keys, log and costs, and the audit trail.</summary>
        public bool ReadsEverything => Role is "admin" or "operator" or "auditor";

        /// <summary>Keys, log, costs, teams and routes: every team's, or (a client key) its own team's.</summary>
        public bool ReadsTeamRows => ReadsEverything || Role is null;

        /// <summary>The team whose rows it reads: <paramref name="asked"/> (a filter, or every team) or its own.</summary>
        public string? TeamScope(string? asked) => ReadsEverything ? asked : Team ?? "\u0000";

        public bool ReadsRegistry => Role is not null;

        public bool DecidesOnModels => Role is "admin" or "legal" or "security";

        /// <summary>Creates and revokes client keys (admin, operator), or keys with a role (admin only).</summary>
        public bool ManagesKeys(string? role) => role is null ? Role is "admin" or "operator" : Role == "admin";
    }

    private static IResult RegistryOnly() => Forbidden("Legal and security keys read and decide on the registry (/admin/models) only.");

    public static void MapAdminEndpoints(this IEndpointRouteBuilder endpoints, GatewayRuntime runtime, Func<IKeyStore> keys, Func<KeyAuthenticator> authenticator, Func<IRequestLogStore?> log, Storage.Stores stores, string? bootstrapKey, TimeProvider time)
    {
        // Only the hash is kept, and compared in constant time.
        var bootstrap = bootstrapKey is { Length: >= MinBootstrapLength } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : null;

        endpoints.MapGet("/admin/openapi.json", () => Results.Text(OpenApi.Document, "application/json"));

        MapKeyEndpoints(endpoints, runtime, keys, authenticator, bootstrap, time);

        var models = new Lazy<IModelStore>(() => stores.Models);
        Switchyard.Registry.Workflow.ModelRegistry OpenRegistry() => new(models.Value, runtime.Config.Registry.Organisation, time);
        MapRegistryEndpoints(endpoints, runtime, keys, authenticator, bootstrap, models, time);
        MapStatsEndpoints(endpoints, runtime, keys, authenticator, log, () => stores.Traffic, bootstrap, time);

        endpoints.MapGet("/admin/models", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsRegistry)
            {
                return Forbidden("Only keys with a role (admin, operator, auditor, legal, security) read the registry.");
            }

            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var model in models.Value.List())
                {
                    WriteModel(writer, model);
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/models/{id}", (HttpContext context, string id) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsRegistry)
            {
                return Forbidden("Only keys with a role (admin, operator, auditor, legal, security) read the registry.");
            }

            var registry = OpenRegistry();
            if (models.Value.Find(id) is not { } model)
            {
                return Error(StatusCodes.Status404NotFound, $"There is no model '{(id.Length > 100 ? id[..100] : id)}' in the registry.", "not_found");
            }

            var verdict = registry.Check(model);
            return Write(writer =>
            {
                writer.WriteStartObject();
                writer.WritePropertyName("model");
                WriteModel(writer, model, detailed: true);
                writer.WriteStartObject("license_verdict");
                writer.WriteString("outcome", Switchyard.Registry.Licenses.LicenseExplainer.Word(verdict.Outcome));
                writer.WriteStartArray("clauses");
                foreach (var clause in verdict.Clauses)
                {
                    writer.WriteStartObject();
                    writer.WriteString("code", clause.Code);
                    writer.WriteString("model", clause.ModelId);
                    writer.WriteString("license", clause.LicenseId);
                    writer.WriteString("outcome", Switchyard.Registry.Licenses.LicenseExplainer.Word(clause.Outcome));
                    writer.WriteString("reason", clause.Reason);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteStartArray("obligations");
                foreach (var obligation in verdict.Obligations)
                {
                    writer.WriteStartObject();
                    writer.WriteString("code", obligation.Code);
                    writer.WriteString("license", obligation.LicenseId);
                    writer.WriteString("text", obligation.Text);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteStartArray("explanation");
                foreach (var line in Switchyard.Registry.Licenses.LicenseExplainer.Explain(verdict))
                {
                    writer.WriteStringValue(line);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteStartArray("decisions");
                foreach (var decision in models.Value.Decisions(model.Id))
                {
                    writer.WriteStartObject();
                    writer.WriteString("at", decision.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                    writer.WriteString("actor", decision.Actor);
                    writer.WriteString("role", decision.Role);
                    writer.WriteString("action", decision.Action);
                    writer.WriteString("from", Storage.Models.ModelStatusWords.Word(decision.From));
                    writer.WriteString("to", Storage.Models.ModelStatusWords.Word(decision.To));
                    writer.WriteString("reason", decision.Reason);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }));

        endpoints.MapPost("/admin/models/{id}/{action}", (HttpContext context, string id, string action) => RunAsync(context, keys, authenticator, bootstrap, async (caller, _) =>
        {
            var (body, invalid) = await ReadJsonAsync(context, "{\"reason\": \"why\"}");
            if (invalid is not null)
            {
                return invalid;
            }

            string reason = "";
            var acceptFindings = false;
            using (body)
            {
                if (body?.RootElement is { ValueKind: JsonValueKind.Object } root)
                {
                    reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
                    acceptFindings = root.TryGetProperty("accept_findings", out var a) && a.ValueKind == JsonValueKind.True;
                }
            }

            {
                if (action is not ("approve" or "reject" or "deprecate" or "revoke"))
                {
                    return Error(StatusCodes.Status404NotFound, "The registry's actions are approve, reject, deprecate and revoke.", "not_found");
                }

                if (!caller.DecidesOnModels)
                {
                    return Forbidden("Only admin, legal and security keys decide on models.");
                }

                var registry = OpenRegistry();
                try
                {
                    var model = action switch
                    {
                        "approve" when caller.Role == "legal" => registry.SignLicense(id, caller.Actor, caller.Role, reason),
                        "approve" => registry.SignSecurity(id, caller.Actor, caller.Role!, reason, acceptFindings),
                        "reject" => registry.Reject(id, caller.Actor, caller.Role!, reason),
                        "deprecate" => registry.Deprecate(id, caller.Actor, caller.Role!, reason),
                        _ => registry.Revoke(id, caller.Actor, caller.Role!, reason),
                    };
                    return Write(writer => WriteModel(writer, model));
                }
                catch (Switchyard.Registry.Workflow.RegistryException e)
                {
                    var missing = models.Value.Find(id) is null;
                    return Error(missing ? StatusCodes.Status404NotFound : e.Message.StartsWith("The role", StringComparison.Ordinal) ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict, e.Message, missing ? "not_found" : "refused");
                }
            }
        }));

        endpoints.MapGet("/admin/audit", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.ReadsEverything)
            {
                return Forbidden("Only admin, operator and auditor keys read the audit trail.");
            }

            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var entry in store.Trail.Entries())
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("seq", entry.Seq);
                    writer.WriteString("at", entry.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                    writer.WriteString("actor", entry.Actor);
                    writer.WriteString("action", entry.Action);
                    writer.WriteString("target", entry.Target);
                    writer.WriteString("detail", entry.Detail);
                    writer.WriteBoolean("intact", entry.Intact);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/teams", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.ReadsTeamRows)
            {
                return RegistryOnly();
            }

            var all = store.List();
            var names = runtime.Config.Teams.Select(t => t.Name).Concat(all.Select(k => k.Team)).Distinct(StringComparer.Ordinal)
                .Where(t => caller.ReadsEverything || t == caller.Team).Order(StringComparer.Ordinal);
            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var name in names)
                {
                    var limits = runtime.Config.Teams.FirstOrDefault(t => t.Name == name);
                    writer.WriteStartObject();
                    writer.WriteString("name", name);
                    writer.WriteNumber("active_keys", all.Count(k => k.Team == name && k.IsActive(time.GetUtcNow())));
                    WriteNumberOrNull(writer, "rpm", limits?.RequestsPerMinute);
                    WriteNumberOrNull(writer, "tpm", limits?.TokensPerMinute);
                    WriteNumberOrNull(writer, "max_concurrency", limits?.MaxConcurrency);
                    writer.WriteStartArray("routes");
                    foreach (var route in limits?.Routes ?? [])
                    {
                        writer.WriteStringValue(route);
                    }

                    writer.WriteEndArray();
                    writer.WriteStartArray("budgets");
                    foreach (var budget in runtime.Config.Budgets.Where(b => b.Team == name))
                    {
                        writer.WriteStringValue(budget.Name);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/budgets", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsTeamRows)
            {
                return RegistryOnly();
            }

            // A client key sees the budgets that limit it: its team's, its own, and the ones that limit everyone.
            var now = time.GetUtcNow();
            var states = runtime.Budgets.AllWithKeys
                .Select(ledger => ledger.State(now))
                .Where(s => caller.ReadsEverything || (s.Config.Team is null && s.Config.Key is null) || s.Config.Team == caller.Team || s.Config.Key == caller.Actor)
                .ToList();
            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var state in states)
                {
                    var config = state.Config;
                    writer.WriteStartObject();
                    writer.WriteString("name", config.Name);
                    writer.WriteString("route", config.Route);
                    writer.WriteString("team", config.Team);
                    writer.WriteString("key", config.Key);
                    writer.WriteString("mode", config.Mode == Configuration.BudgetMode.Hard ? "hard" : "soft");
                    writer.WriteString("per", config.Period == Configuration.BudgetPeriod.Day ? "day" : "month");
                    writer.WriteString("window_start", state.WindowStart.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                    writer.WriteString("resets_at", state.ResetsAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                    writer.WriteNumber("limit_usd", config.Limit);
                    writer.WriteNumber("warn_at", config.WarnAt);
                    writer.WriteNumber("spent_usd", Math.Round(state.Spent, 9));
                    writer.WriteNumber("reserved_usd", Math.Round(state.Reserved, 9));
                    writer.WriteString("state", state.Status switch
                    {
                        Economics.Budgets.BudgetStatus.Exceeded => "exceeded",
                        Economics.Budgets.BudgetStatus.Warning => "warning",
                        _ => "ok",
                    });
                    writer.WriteNumber("warnings", state.Warnings);
                    writer.WriteNumber("exceedances", state.Exceedances);
                    writer.WriteNumber("refusals", state.Refusals);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/routes", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) => !caller.ReadsTeamRows ? RegistryOnly() : Write(writer =>
        {
            var config = runtime.Config;
            // A client key sees the routes it may use; a role key every route.
            var team = caller is { Role: null, Key: { } key } ? RouteAccess.TeamOf(key, config) : null;
            writer.WriteStartArray();
            foreach (var route in config.Routes)
            {
                if (caller is { Role: null, Key: { } client } && !RouteAccess.Allows(client, team, route.Name))
                {
                    continue;
                }

                writer.WriteStartObject();
                writer.WriteString("name", route.Name);
                writer.WriteStartArray("tiers");
                foreach (var tier in route.EffectiveTiers())
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", tier.Name);
                    writer.WriteStartArray("deployments");
                    foreach (var member in tier.Members)
                    {
                        writer.WriteStringValue(member.Deployment);
                    }

                    writer.WriteEndArray();
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        })));

        endpoints.MapGet("/admin/logs", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsTeamRows)
            {
                return RegistryOnly();
            }

            if (log() is not { } store)
            {
                return Error(StatusCodes.Status404NotFound, "The request log is off (request_log.enabled: false).", "not_found");
            }

            var limit = int.TryParse(context.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 1000) : 100;
            var team = caller.TeamScope(context.Request.Query["team"].FirstOrDefault());
            var (query, invalid) = ReadLogFilter(context.Request.Query);
            if (invalid is not null)
            {
                return Error(StatusCodes.Status400BadRequest, invalid == "status" ? "status: write a status code (status=429) or status=errors (400 and above)." : "escalated: write true or false.", "invalid_value", invalid);
            }

            // Team-scoped reads filter after the query: the log's index is by time, and a team's rows are a subset of it.
            var entries = store.QueryAsync(query with { Limit = team is null ? limit : 10 * limit }, context.RequestAborted).GetAwaiter().GetResult()
                .Where(e => team is null || e.Team == team).Take(limit);
            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var entry in entries)
                {
                    writer.WriteStartObject();
                    writer.WriteString("timestamp", entry.Timestamp.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
                    writer.WriteString("request_id", entry.RequestId);
                    writer.WriteString("route", entry.Route);
                    writer.WriteString("deployment", entry.Deployment);
                    writer.WriteNumber("status", entry.Status);
                    writer.WriteNumber("latency_ms", entry.LatencyMs);
                    writer.WriteString("key_id", entry.KeyId);
                    writer.WriteString("team", entry.Team);
                    if (entry.CostUsd is { } cost)
                    {
                        writer.WriteNumber("cost_usd", cost);
                    }

                    WriteLogDetail(writer, entry);

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/costs", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsTeamRows)
            {
                return RegistryOnly();
            }

            if (log() is not IRequestLogReports store)
            {
                return Error(StatusCodes.Status404NotFound, "The request log is off (request_log.enabled: false).", "not_found");
            }

            var team = caller.TeamScope(context.Request.Query["team"].FirstOrDefault());
            var days = int.TryParse(context.Request.Query["days"], NumberStyles.None, CultureInfo.InvariantCulture, out var d) ? Math.Clamp(d, 1, 366) : 30;
            var (dimensions, problem) = CostDimensions.Parse(context.Request.Query["by"].FirstOrDefault() ?? "team,route", "by");
            if (problem is not null)
            {
                return Error(StatusCodes.Status400BadRequest, problem, "invalid_by");
            }

            var rows = store.SummarizeCosts(dimensions, time.GetUtcNow().AddDays(-days), null, null, team);
            var names = dimensions.Select(CostDimensions.Word).ToArray();
            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var row in rows)
                {
                    Economics.CostReport.Write(writer, names, row);
                }

                writer.WriteEndArray();
            });
        }));
    }

    private static void WriteModel(Utf8JsonWriter writer, Storage.Models.ModelRecord model, bool detailed = false)
    {
        writer.WriteStartObject();
        writer.WriteString("id", model.Id);
        writer.WriteString("name", model.Name);
        writer.WriteString("status", Storage.Models.ModelStatusWords.Word(model.Status));
        writer.WriteString("license", model.LicenseId);
        writer.WriteString("license_name", model.LicenseName);
        writer.WriteString("source", model.SourceRepository);
        writer.WriteString("revision", model.SourceRevision);
        writer.WriteString("family", model.Family);
        if (model.ParameterCount is { } parameters)
        {
            writer.WriteNumber("parameters", parameters);
        }

        writer.WriteString("scan", model.Scan?.Verdict);
        writer.WriteString("license_signed_by", model.LicenseSignOff?.Actor);
        writer.WriteString("security_signed_by", model.SecuritySignOff?.Actor);
        writer.WriteNumber("files", model.Files.Count);
        if (detailed)
        {
            writer.WriteString("owner", model.Owner);
            writer.WriteString("intended_use", model.IntendedUse);
            writer.WriteStartArray("base_models");
            foreach (var b in model.BaseModels)
            {
                writer.WriteStringValue(b);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("file_hashes");
            foreach (var f in model.Files)
            {
                writer.WriteStartObject();
                writer.WriteString("path", f.Path);
                writer.WriteNumber("size", f.Size);
                writer.WriteString("sha256", f.Sha256);
                writer.WriteString("format", f.Format);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("problems");
            foreach (var p in model.Problems.Concat(model.Scan?.Summary ?? []))
            {
                writer.WriteStringValue(p);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static IResult Write(Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Json))
        {
            write(writer);
        }

        var bytes = buffer.ToArray();
        return status == StatusCodes.Status200OK
            ? Results.Bytes(bytes, "application/json")
            : Results.Text(Encoding.UTF8.GetString(bytes), "application/json", Encoding.UTF8, status);
    }

    private static IResult Forbidden(string message) => Error(StatusCodes.Status403Forbidden, message, "permission_denied");

    private static IResult Error(int status, string message, string code, string? param = null) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", status == StatusCodes.Status401Unauthorized || status == StatusCodes.Status403Forbidden ? "permission_error" : ApiError.InvalidRequest);
        writer.WriteString("param", param);
        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }, status);
}
