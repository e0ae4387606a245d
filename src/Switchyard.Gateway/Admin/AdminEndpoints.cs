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
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Admin;

/// <summary>
/// The admin API under <c>/admin</c> (JSON; described at <c>/admin/openapi.json</c>): keys, the request log, costs and
/// routes. Every call needs a key, whatever <c>auth.keys</c> says: a key with a role, or the bootstrap admin key from
/// <c>SWITCHYARD_ADMIN_KEY</c>. Roles: <c>admin</c> reads and writes everything; <c>operator</c> and <c>auditor</c>
/// read everything; a client key reads its own team's log and costs only. Every write goes to the audit trail.
/// </summary>
internal static class AdminEndpoints
{
    public const string BootstrapVariable = "SWITCHYARD_ADMIN_KEY";

    private static readonly string[] Roles = ["admin", "operator", "auditor", "legal", "security"];

    private static readonly JsonWriterOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Who is calling: the key's id (or <c>bootstrap</c>), its role and team.</summary>
    private readonly record struct Caller(string Actor, string? Role, string? Team)
    {
        public bool CanRead => Role is "admin" or "operator" or "auditor";

        public bool CanWrite => Role == "admin";

        public bool CanReadRegistry => Role is "admin" or "operator" or "auditor" or "legal" or "security";
    }

    public static void MapAdminEndpoints(this IEndpointRouteBuilder endpoints, GatewayRuntime runtime, Func<SqliteKeyStore> keys, Func<KeyAuthenticator> authenticator, Func<SqliteRequestLogStore?> log, TimeProvider time)
    {
        var bootstrap = Environment.GetEnvironmentVariable(BootstrapVariable) is { Length: >= 32 } secret ? SHA256.HashData(Encoding.UTF8.GetBytes(secret)) : null;

        endpoints.MapGet("/admin/openapi.json", () => Results.Text(OpenApi.Document, "application/json"));

        endpoints.MapGet("/admin/keys", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            var team = caller.CanRead ? context.Request.Query["team"].FirstOrDefault() : caller.Team;
            if (!caller.CanRead && caller.Team is null)
            {
                return Forbidden("Only admin, operator and auditor keys list every team's keys.");
            }

            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var key in store.List(team))
                {
                    WriteKey(writer, key, time.GetUtcNow());
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapPost("/admin/keys", async (HttpContext context) =>
        {
            JsonDocument? body = null;
            try
            {
                body = await JsonDocument.ParseAsync(context.Request.Body);
            }
            catch (JsonException e)
            {
                return Error(StatusCodes.Status400BadRequest, $"The body is not JSON: {e.Message} Send {{\"team\": \"search\", \"routes\": [\"chat\"]}}.", "invalid_json");
            }

            using (body)
            {
                var root = body.RootElement;
                return Run(context, keys, authenticator, bootstrap, (caller, store) =>
                {
                    if (!caller.CanWrite)
                    {
                        return Forbidden("Only admin keys create keys.");
                    }

                    if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("team", out var teamValue) || teamValue.ValueKind != JsonValueKind.String || teamValue.GetString() is not { Length: > 0 and <= 100 } team)
                    {
                        return Error(StatusCodes.Status400BadRequest, "team is required: a string of 1 to 100 characters.", "invalid_value");
                    }

                    string? role = null;
                    if (root.TryGetProperty("role", out var roleValue) && roleValue.ValueKind != JsonValueKind.Null)
                    {
                        role = roleValue.ValueKind == JsonValueKind.String ? roleValue.GetString() : null;
                        if (role is null || !Roles.Contains(role))
                        {
                            return Error(StatusCodes.Status400BadRequest, $"role must be one of {string.Join(", ", Roles)}, or absent for a client key.", "invalid_value");
                        }
                    }

                    var routes = root.TryGetProperty("routes", out var routeValues) && routeValues.ValueKind == JsonValueKind.Array
                        ? [.. routeValues.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!)]
                        : Array.Empty<string>();
                    var (secret, id, hash) = ApiKeys.Generate();
                    var record = new ApiKeyRecord
                    {
                        Id = id,
                        Hash = hash,
                        Team = team,
                        Name = root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
                        Routes = routes,
                        RequestsPerMinute = Positive(root, "rpm"),
                        TokensPerMinute = Positive(root, "tpm"),
                        MaxConcurrency = Positive(root, "max_concurrency"),
                        Confidential = root.TryGetProperty("confidential", out var confidential) && confidential.ValueKind == JsonValueKind.True,
                        Role = role,
                        Created = time.GetUtcNow(),
                    };
                    if (!store.Add(record))
                    {
                        return Error(StatusCodes.Status409Conflict, "A key with the same id exists (a one in 10^15 draw): send the request again.", "conflict");
                    }

                    store.Audit(time.GetUtcNow(), caller.Actor, "key.create", id, $"team={team}; role={role ?? "client"}; routes={string.Join(',', routes)}");
                    return Write(writer =>
                    {
                        writer.WriteStartObject();
                        writer.WriteString("key", secret);
                        writer.WriteString("note", "This is the only time the key is shown: only its hash is stored.");
                        writer.WritePropertyName("record");
                        WriteKey(writer, record, time.GetUtcNow());
                        writer.WriteEndObject();
                    }, StatusCodes.Status201Created);
                });
            }
        });

        endpoints.MapDelete("/admin/keys/{id}", (HttpContext context, string id) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.CanWrite)
            {
                return Forbidden("Only admin keys revoke keys.");
            }

            if (!store.Revoke(id, time.GetUtcNow()))
            {
                return Error(StatusCodes.Status404NotFound, $"There is no active key {(ApiKeys.TryParse(id, out var parsed) ? parsed : id.Length <= 13 ? id : id[..13] + "...")}.", "not_found");
            }

            store.Audit(time.GetUtcNow(), caller.Actor, "key.revoke", id, null);
            return Results.NoContent();
        }));

        var models = new Lazy<Storage.Sqlite.SqliteModelStore>(() => new Storage.Sqlite.SqliteModelStore(new SqliteStoreOptions { Path = runtime.Config.Storage.Path }, time));
        Switchyard.Registry.Workflow.ModelRegistry OpenRegistry() => new(models.Value, runtime.Config.Registry.Organisation, time);

        endpoints.MapGet("/admin/models", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.CanReadRegistry)
            {
                return Forbidden("Only admin, operator, auditor, legal and security keys read the registry.");
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
            if (!caller.CanReadRegistry)
            {
                return Forbidden("Only admin, operator, auditor, legal and security keys read the registry.");
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
                    writer.WriteString("from", Storage.Sqlite.SqliteModelStore.StatusWord(decision.From));
                    writer.WriteString("to", Storage.Sqlite.SqliteModelStore.StatusWord(decision.To));
                    writer.WriteString("reason", decision.Reason);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }));

        endpoints.MapPost("/admin/models/{id}/{action}", async (HttpContext context, string id, string action) =>
        {
            string reason = "";
            var acceptFindings = false;
            if (context.Request.ContentLength is not 0)
            {
                try
                {
                    using var body = await JsonDocument.ParseAsync(context.Request.Body);
                    if (body.RootElement.ValueKind == JsonValueKind.Object)
                    {
                        reason = body.RootElement.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
                        acceptFindings = body.RootElement.TryGetProperty("accept_findings", out var a) && a.ValueKind == JsonValueKind.True;
                    }
                }
                catch (JsonException e)
                {
                    return Error(StatusCodes.Status400BadRequest, $"The body is not JSON: {e.Message} Send {{\"reason\": \"why\"}}.", "invalid_json");
                }
            }

            return Run(context, keys, authenticator, bootstrap, (caller, _) =>
            {
                if (action is not ("approve" or "reject" or "deprecate" or "revoke"))
                {
                    return Error(StatusCodes.Status404NotFound, "The registry's actions are approve, reject, deprecate and revoke.", "not_found");
                }

                if (caller.Role is not ("admin" or "legal" or "security"))
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
            });
        });

        endpoints.MapGet("/admin/audit", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.CanRead)
            {
                return Forbidden("Only admin, operator and auditor keys read the audit trail.");
            }

            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var entry in store.AuditTrail())
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
            var all = store.List();
            var names = runtime.Config.Teams.Select(t => t.Name).Concat(all.Select(k => k.Team)).Distinct(StringComparer.Ordinal)
                .Where(t => caller.CanRead || t == caller.Team).Order(StringComparer.Ordinal);
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
            // A client key sees the budgets that limit it: its team's, its own, and the ones that limit everyone.
            var now = time.GetUtcNow();
            var states = runtime.Budgets.AllWithKeys
                .Select(ledger => ledger.State(now))
                .Where(s => caller.CanRead || (s.Config.Team is null && s.Config.Key is null) || s.Config.Team == caller.Team || s.Config.Key == caller.Actor)
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

        endpoints.MapGet("/admin/routes", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (_, _) => Write(writer =>
        {
            writer.WriteStartArray();
            foreach (var route in runtime.Config.Routes)
            {
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
            if (log() is not { } store)
            {
                return Error(StatusCodes.Status404NotFound, "The request log is off (request_log.enabled: false).", "not_found");
            }

            var limit = int.TryParse(context.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 1000) : 100;
            var team = caller.CanRead ? context.Request.Query["team"].FirstOrDefault() : caller.Team ?? "\u0000";
            // Team-scoped reads filter after the query: the log's index is by time, and a team's rows are a subset of it.
            var entries = store.QueryAsync(new RequestLogQuery { Route = context.Request.Query["route"].FirstOrDefault(), Limit = team is null ? limit : 10 * limit }, context.RequestAborted).GetAwaiter().GetResult()
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

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/costs", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (log() is not { } store)
            {
                return Error(StatusCodes.Status404NotFound, "The request log is off (request_log.enabled: false).", "not_found");
            }

            var team = caller.CanRead ? context.Request.Query["team"].FirstOrDefault() : caller.Team ?? "\u0000";
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

    /// <summary>
    /// Authenticates the caller: the bootstrap admin key, or any key the gateway's own <see cref="KeyAuthenticator"/>
    /// accepts (its role decides what it may do), and runs the action.
    /// </summary>
    private static void WriteModel(Utf8JsonWriter writer, Storage.Models.ModelRecord model, bool detailed = false)
    {
        writer.WriteStartObject();
        writer.WriteString("id", model.Id);
        writer.WriteString("name", model.Name);
        writer.WriteString("status", Storage.Sqlite.SqliteModelStore.StatusWord(model.Status));
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

    private static IResult Run(HttpContext context, Func<SqliteKeyStore> keys, Func<KeyAuthenticator> authenticator, byte[]? bootstrap, Func<Caller, SqliteKeyStore, IResult> action)
    {
        Caller caller;
        if (bootstrap is not null && context.Request.Headers.Authorization is { Count: 1 } authorization
            && authorization[0] is { } value && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(value[7..].Trim())), bootstrap))
        {
            caller = new Caller("bootstrap", "admin", null);
        }
        else if (authenticator().Authenticate(context.Request) is { Key: { } key })
        {
            caller = new Caller(key.Id, key.Role, key.Team);
        }
        else
        {
            return Error(StatusCodes.Status401Unauthorized, "The admin API needs an active key: Authorization: Bearer <key> (a key with a role, or SWITCHYARD_ADMIN_KEY).", "invalid_api_key");
        }

        return action(caller, keys());
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

    private static int? Positive(JsonElement root, string name)
        => root.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) && number > 0 ? number : null;

    private static void WriteKey(Utf8JsonWriter writer, ApiKeyRecord key, DateTimeOffset now)
    {
        writer.WriteStartObject();
        writer.WriteString("id", key.Id);
        writer.WriteString("team", key.Team);
        writer.WriteString("name", key.Name);
        writer.WriteString("role", key.Role);
        writer.WriteStartArray("routes");
        foreach (var route in key.Routes)
        {
            writer.WriteStringValue(route);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("active", key.IsActive(now));
        writer.WriteString("created", key.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
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

    private static IResult Error(int status, string message, string code) => Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteStartObject("error");
        writer.WriteString("message", message);
        writer.WriteString("type", status == StatusCodes.Status401Unauthorized || status == StatusCodes.Status403Forbidden ? "permission_error" : ApiError.InvalidRequest);
        writer.WriteNull("param");
        writer.WriteString("code", code);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }, status);
}
