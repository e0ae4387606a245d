using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Admin;

/// <summary>
/// <c>/admin/keys</c>: list, read, create and revoke keys. A new key takes every term <c>switchyard keys create</c>
/// takes; the key is in the answer once, its hash never.
/// </summary>
internal static partial class AdminEndpoints
{
    /// <summary>The fields <c>POST /admin/keys</c> takes (the OpenAPI document's <c>NewKey</c> lists the same).</summary>
    internal static readonly string[] NewKeyFields = ["team", "name", "role", "routes", "rpm", "tpm", "max_concurrency", "expires", "budget", "tags", "metadata", "confidential"];

    private const string NewKeyExample = """{"team": "search", "routes": ["chat"], "rpm": 60, "expires": "30d", "budget": {"usd": 50, "per": "day"}}""";

    private static void MapKeyEndpoints(IEndpointRouteBuilder endpoints, GatewayRuntime runtime, Func<IKeyStore> keys, Func<KeyAuthenticator> authenticator, byte[]? bootstrap, TimeProvider time)
    {
        endpoints.MapGet("/admin/keys", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.ReadsTeamRows)
            {
                return RegistryOnly();
            }

            var team = caller.TeamScope(context.Request.Query["team"].FirstOrDefault());
            var now = time.GetUtcNow();
            return Write(writer =>
            {
                writer.WriteStartArray();
                foreach (var key in store.List(team))
                {
                    WriteKey(writer, key, now);
                }

                writer.WriteEndArray();
            });
        }));

        endpoints.MapGet("/admin/keys/{id}", (HttpContext context, string id) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.ReadsTeamRows)
            {
                return RegistryOnly();
            }

            // SECURITY: another team's key is "not found" to a client key, exactly as a key that does not exist.
            if (store.Find(id) is not { } key || (!caller.ReadsEverything && key.Team != caller.Team))
            {
                return NoSuchKey(id);
            }

            return Write(writer => WriteKey(writer, key, time.GetUtcNow()));
        }));

        // Typed as a Func so that its IResult is written: an HttpContext -> Task lambda would bind as a RequestDelegate.
        endpoints.MapPost("/admin/keys", (Func<HttpContext, Task<IResult>>)(context => RunAsync(context, keys, authenticator, bootstrap, async (caller, store) =>
        {
            if (!caller.ManagesKeys(null))
            {
                return Forbidden("Only admin and operator keys create keys.");
            }

            var (body, invalid) = await ReadJsonAsync(context, NewKeyExample);
            if (invalid is not null)
            {
                return invalid;
            }

            using (body)
            {
                var (secret, id, hash) = ApiKeys.Generate();
                var now = time.GetUtcNow();
                var (terms, problem) = ReadNewKey(body?.RootElement, runtime.Config, now);
                if (terms is null)
                {
                    return problem!;
                }

                if (!caller.ManagesKeys(terms.Role))
                {
                    return Forbidden("Only admin keys create keys with a role; operators create client keys (leave role out).");
                }

                var record = terms with { Id = id, Hash = hash, Created = now };
                if (!store.Add(record, now, caller.Actor))
                {
                    return Error(StatusCodes.Status409Conflict, "A key with the same id exists (a one in 10^15 draw): send the request again.", "conflict");
                }

                authenticator().Forget(id);
                return Write(writer =>
                {
                    writer.WriteStartObject();
                    writer.WriteString("key", secret);
                    writer.WriteString("note", "This is the only time the key is shown: only its hash is stored.");
                    writer.WritePropertyName("record");
                    WriteKey(writer, record, now);
                    writer.WriteEndObject();
                }, StatusCodes.Status201Created);
            }
        })));

        endpoints.MapDelete("/admin/keys/{id}", (HttpContext context, string id) => Run(context, keys, authenticator, bootstrap, (caller, store) =>
        {
            if (!caller.ManagesKeys(null))
            {
                return Forbidden("Only admin and operator keys revoke keys.");
            }

            if (store.Find(id) is { Role: { } role } && !caller.ManagesKeys(role))
            {
                return Forbidden("Only admin keys revoke keys with a role; operators revoke client keys.");
            }

            if (!store.Revoke(id, time.GetUtcNow(), caller.Actor))
            {
                return NoSuchKey(id);
            }

            // At once in this process; other gateways on the database within KeyAuthenticator.CacheFor.
            authenticator().Forget(id);
            return Results.NoContent();
        }));
    }

    private static IResult NoSuchKey(string id)
        => Error(StatusCodes.Status404NotFound, $"There is no active key {(ApiKeys.TryParse(id, out var parsed) ? parsed : id.Length <= 13 ? id : id[..13] + "...")} that this key may see. GET /admin/keys lists them.", "not_found");

    /// <summary>
    /// The terms of a new key from a <c>POST /admin/keys</c> body (id, hash and creation time still to set), or the 400
    /// that names the field that was wrong and says how to write it.
    /// </summary>
    private static (ApiKeyRecord? Terms, IResult? Problem) ReadNewKey(JsonElement? body, GatewayConfig config, DateTimeOffset now)
    {
        static (ApiKeyRecord?, IResult?) Invalid(string param, string message) => (null, Error(StatusCodes.Status400BadRequest, message, "invalid_value", param));

        if (body is not { ValueKind: JsonValueKind.Object } root)
        {
            return Invalid("team", $"The body must be a JSON object with at least a team, e.g. {NewKeyExample}.");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!NewKeyFields.Contains(property.Name, StringComparer.Ordinal))
            {
                return Invalid(property.Name, $"Unknown field '{(property.Name.Length > 40 ? property.Name[..40] + "..." : property.Name)}'. A new key takes: {string.Join(", ", NewKeyFields)}.");
            }
        }

        if (!root.TryGetProperty("team", out var teamValue) || teamValue.ValueKind != JsonValueKind.String || teamValue.GetString() is not { } team)
        {
            return Invalid("team", "team is required: the team the key belongs to, a string.");
        }

        if (KeyTerms.TeamProblem(team) is { } teamProblem)
        {
            return Invalid("team", $"team {teamProblem}.");
        }

        string? name = null;
        if (root.TryGetProperty("name", out var nameValue) && nameValue.ValueKind != JsonValueKind.Null)
        {
            if (nameValue.ValueKind != JsonValueKind.String || nameValue.GetString() is not { Length: <= 200 } text)
            {
                return Invalid("name", "name is what the key is for: a string of at most 200 characters.");
            }

            name = text;
        }

        string? role = null;
        if (root.TryGetProperty("role", out var roleValue) && roleValue.ValueKind != JsonValueKind.Null)
        {
            role = roleValue.ValueKind == JsonValueKind.String ? roleValue.GetString() : null;
            if (role is null || !KeyTerms.Roles.Contains(role, StringComparer.Ordinal))
            {
                return Invalid("role", $"role must be one of {string.Join(", ", KeyTerms.Roles)}, or absent for a client key.");
            }
        }

        if (!TryReadList(root, "routes", out var routes, out var routesProblem) || !TryReadList(root, "tags", out var tags, out routesProblem))
        {
            return Invalid(routesProblem.Param, routesProblem.Message);
        }

        var teamConfig = config.Teams.FirstOrDefault(t => t.Name == team);
        foreach (var route in routes)
        {
            if (!config.Routes.Any(r => r.Name == route))
            {
                return Invalid("routes", $"There is no route '{route}'. Routes: {string.Join(", ", config.Routes.Select(r => r.Name))}.");
            }

            if (teamConfig is { Routes.IsDefaultOrEmpty: false } && !teamConfig.Routes.Contains(route, StringComparer.Ordinal))
            {
                return Invalid("routes", $"Team {team} may not use route '{route}' (teams.{team}.routes: {string.Join(", ", teamConfig.Routes)}): a key's routes can only narrow its team's.");
            }
        }

        int? rpm = null, tpm = null, concurrency = null;
        foreach (var (field, what) in (ReadOnlySpan<(string, string)>)[("rpm", "requests per minute"), ("tpm", "tokens per minute"), ("max_concurrency", "requests in flight at once")])
        {
            if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number) || number < 1)
            {
                return Invalid(field, $"{field} is the key's {what}: a whole number of at least 1.");
            }

            _ = field switch { "rpm" => rpm = number, "tpm" => tpm = number, _ => concurrency = number };
        }

        DateTimeOffset? expires = null;
        if (root.TryGetProperty("expires", out var expiresValue) && expiresValue.ValueKind != JsonValueKind.Null)
        {
            if (expiresValue.ValueKind != JsonValueKind.String || !KeyTerms.TryParseExpiry(expiresValue.GetString()!, now, out var at))
            {
                return Invalid("expires", "expires " + (expiresValue.ValueKind == JsonValueKind.String ? KeyTerms.ExpiryProblem(expiresValue.GetString()!) : "is a string: a duration from now (30d, 12h) or an ISO-8601 time in the future."));
            }

            expires = at;
        }

        double? budget = null;
        string? period = null;
        if (root.TryGetProperty("budget", out var budgetValue) && budgetValue.ValueKind != JsonValueKind.Null)
        {
            if (!TryReadBudget(budgetValue, out var usd, out var per))
            {
                return Invalid("budget", """budget is a hard budget of the key's own: {"usd": 50, "per": "day"} (per: day or month), or "50/day".""");
            }

            (budget, period) = (usd, per);
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.TryGetProperty("metadata", out var metadataValue) && metadataValue.ValueKind != JsonValueKind.Null)
        {
            if (metadataValue.ValueKind != JsonValueKind.Object)
            {
                return Invalid("metadata", """metadata is an object of strings: {"owner": "search", "ticket": "OPS-42"}.""");
            }

            foreach (var fact in metadataValue.EnumerateObject())
            {
                if (fact.Value.ValueKind != JsonValueKind.String || fact.Name.Length is 0 or > 100 || fact.Value.GetString()!.Length > 1000 || metadata.Count >= 50)
                {
                    return Invalid("metadata", "metadata holds at most 50 facts, each a name of 1 to 100 characters and a string value of at most 1,000.");
                }

                metadata[fact.Name] = fact.Value.GetString()!;
            }
        }

        var confidential = false;
        if (root.TryGetProperty("confidential", out var confidentialValue) && confidentialValue.ValueKind != JsonValueKind.Null)
        {
            if (confidentialValue.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Invalid("confidential", "confidential is true (every request of the key is served in-house only) or false.");
            }

            confidential = confidentialValue.ValueKind == JsonValueKind.True;
        }

        return (new ApiKeyRecord
        {
            Id = "",
            Hash = [],
            Team = team,
            Name = name,
            Role = role,
            Routes = routes,
            Tags = tags,
            Metadata = metadata,
            RequestsPerMinute = rpm,
            TokensPerMinute = tpm,
            MaxConcurrency = concurrency,
            BudgetUsd = budget,
            BudgetPeriod = period,
            Confidential = confidential,
            Created = now,
            Expires = expires,
        }, null);
    }

    private static bool TryReadList(JsonElement root, string field, out string[] items, out (string Param, string Message) problem)
    {
        items = [];
        problem = default;
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > 100)
        {
            problem = (field, $"{field} is a list of at most 100 names, e.g. [\"chat\"].");
            return false;
        }

        var list = new List<string>();
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || KeyTerms.ListItemProblem(item.GetString()!) is not null)
            {
                problem = (field, $"every entry of {field} is a name: {KeyTerms.ListItemProblem(item.ValueKind == JsonValueKind.String ? item.GetString()! : "") ?? "a string"}.");
                return false;
            }

            if (!list.Contains(item.GetString()!, StringComparer.Ordinal))
            {
                list.Add(item.GetString()!);
            }
        }

        items = [.. list];
        return true;
    }

    private static bool TryReadBudget(JsonElement value, out double usd, out string period)
    {
        usd = 0;
        period = "day";
        if (value.ValueKind == JsonValueKind.String)
        {
            return KeyTerms.TryParseBudget(value.GetString()!, out usd, out period);
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("usd", out var amount) || amount.ValueKind != JsonValueKind.Number || !amount.TryGetDouble(out usd))
        {
            return false;
        }

        if (value.TryGetProperty("per", out var per))
        {
            if (per.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            period = per.GetString()!;
        }

        return value.EnumerateObject().All(p => p.Name is "usd" or "per") && KeyTerms.IsBudget(usd, period);
    }

    /// <summary>A key as the admin API shows it: its terms and its life, never its hash.</summary>
    private static void WriteKey(Utf8JsonWriter writer, ApiKeyRecord key, DateTimeOffset now)
    {
        static void Strings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
        {
            writer.WriteStartArray(name);
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        static void Time(Utf8JsonWriter writer, string name, DateTimeOffset? at)
        {
            if (at is { } value)
            {
                writer.WriteString(name, value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
            }
            else
            {
                writer.WriteNull(name);
            }
        }

        writer.WriteStartObject();
        writer.WriteString("id", key.Id);
        writer.WriteString("team", key.Team);
        writer.WriteString("name", key.Name);
        writer.WriteString("role", key.Role);
        Strings(writer, "routes", key.Routes);
        Strings(writer, "tags", key.Tags);
        writer.WriteStartObject("metadata");
        foreach (var (name, value) in key.Metadata)
        {
            writer.WriteString(name, value);
        }

        writer.WriteEndObject();
        WriteNumberOrNull(writer, "rpm", key.RequestsPerMinute);
        WriteNumberOrNull(writer, "tpm", key.TokensPerMinute);
        WriteNumberOrNull(writer, "max_concurrency", key.MaxConcurrency);
        if (key.BudgetUsd is { } usd)
        {
            writer.WriteStartObject("budget");
            writer.WriteNumber("usd", usd);
            writer.WriteString("per", key.BudgetPeriod ?? "day");
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("budget");
        }

        writer.WriteBoolean("confidential", key.Confidential);
        writer.WriteString("state", key.Revoked is not null ? "revoked" : key.IsActive(now) ? "active" : "expired");
        writer.WriteBoolean("active", key.IsActive(now));
        Time(writer, "created", key.Created);
        Time(writer, "expires", key.Expires);
        Time(writer, "revoked", key.Revoked);
        writer.WriteEndObject();
    }
}
