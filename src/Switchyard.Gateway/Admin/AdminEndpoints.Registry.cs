using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Switchyard.Storage.Keys;
using Switchyard.Storage.Models;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Internal;
using Switchyard.Registry.Bom;
using Switchyard.Registry.Scanning;
using Switchyard.Registry.Workflow;

namespace Switchyard.Gateway.Admin;

/// <summary>
/// The registry operations the CLI has and the admin API needs too: register a model folder on the gateway's host, the
/// CycloneDX ML-BOM, the audit trail's verification, and a check of a served folder or manifest against the approved
/// hashes.
/// </summary>
internal static partial class AdminEndpoints
{
    private const string BomMediaType = "application/vnd.cyclonedx+json; version=1.6";

    private static void MapRegistryEndpoints(IEndpointRouteBuilder endpoints, GatewayRuntime runtime, Func<IKeyStore> keys, Func<KeyAuthenticator> authenticator, byte[]? bootstrap, Lazy<IModelStore> models, TimeProvider time)
    {
        ModelRegistry OpenRegistry() => new(models.Value, runtime.Config.Registry.Organisation, time);

        // SECURITY: the folder is read on the gateway's host, with the gateway's rights: only admin and security keys may
        // point it at a path, and what comes back is the folder's own files (names, hashes, findings), never their contents.
        endpoints.MapPost("/admin/models", (Func<HttpContext, Task<IResult>>)(context => RunAsync(context, keys, authenticator, bootstrap, async (caller, _) =>
        {
            if (caller.Role is not ("admin" or "security"))
            {
                return Forbidden("Only admin and security keys register models: the folder is read on the gateway's host.");
            }

            const string Example = "{\"dir\": \"/srv/models/llama\", \"id\": \"llama-3.1-8b\", \"source\": \"hf://ORG/NAME@COMMIT\"}";
            var (body, invalid) = await ReadJsonObjectAsync(context, Example);
            if (invalid is not null)
            {
                return invalid;
            }

            using (body)
            {
                var root = body!.RootElement;
                if (String(root, "dir") is not { Length: > 0 } dir || !Path.IsPathFullyQualified(dir))
                {
                    return Error(StatusCodes.Status400BadRequest, "dir is required: the absolute path of the model folder on the gateway's host (config.json, README.md, the weight files).", "invalid_value");
                }

                try
                {
                    var model = await OpenRegistry().AddFromFolderAsync(dir, new ModelRegistration
                    {
                        Actor = caller.Actor,
                        Id = String(root, "id"),
                        Source = String(root, "source"),
                        Version = String(root, "version"),
                        Owner = String(root, "owner"),
                        IntendedUse = String(root, "intended_use"),
                        BaseModels = root.TryGetProperty("base_models", out var bases) && bases.ValueKind == JsonValueKind.Array
                            ? [.. bases.EnumerateArray().Where(b => b.ValueKind == JsonValueKind.String).Select(b => b.GetString()!)]
                            : [],
                        AutoApprove = runtime.Config.Registry.AutoApprove == RegistryAutoApprove.PermissiveClean,
                    }, new WeightScanner(), context.RequestAborted);
                    return Write(writer => WriteModel(writer, model, detailed: true), StatusCodes.Status201Created);
                }
                catch (RegistryException e)
                {
                    return RegistryError(e);
                }
                catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
                {
                    return Error(StatusCodes.Status400BadRequest, e.Message, "invalid_value");
                }
            }
        })));

        endpoints.MapGet("/admin/models/bom", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsRegistry)
            {
                return Forbidden("Only admin, operator, auditor, legal and security keys read the registry.");
            }

            var version = typeof(AdminEndpoints).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            return Results.Text(CycloneDxWriter.WriteToString(OpenRegistry().BomModels(), time.GetUtcNow(), Guid.NewGuid(), version), BomMediaType);
        }));

        endpoints.MapGet("/admin/audit/verify", (HttpContext context) => Run(context, keys, authenticator, bootstrap, (caller, _) =>
        {
            if (!caller.ReadsEverything)
            {
                return Forbidden("Only admin, operator and auditor keys verify the audit trail.");
            }

            var result = models.Value.Trail.Verify(context.Request.Query["head"].FirstOrDefault());
            return Write(writer =>
            {
                writer.WriteStartObject();
                writer.WriteBoolean("intact", result.Intact);
                writer.WriteNumber("entries", result.Entries);
                writer.WriteString("head", result.Head);
                writer.WriteStartArray("problems");
                foreach (var problem in result.Problems)
                {
                    writer.WriteStringValue(problem);
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            });
        }));

        // SECURITY: like registration, this reads the gateway's host, so it is not for every reader of the registry.
        endpoints.MapPost("/admin/models/{id}/verify", (HttpContext context, string id) => RunAsync(context, keys, authenticator, bootstrap, async (caller, _) =>
        {
            if (caller.Role is not ("admin" or "operator" or "security"))
            {
                return Forbidden("Only admin, operator and security keys check served files: they are read on the gateway's host.");
            }

            const string Example = "{\"dir\": \"/srv/models/llama\"} or {\"manifest\": \"/srv/models/llama/switchyard-manifest.json\"}";
            var (body, invalid) = await ReadJsonObjectAsync(context, Example);
            if (invalid is not null)
            {
                return invalid;
            }

            using (body)
            {
                var (dir, manifest) = (String(body!.RootElement, "dir"), String(body.RootElement, "manifest"));
                if (dir is null && manifest is null || dir is { } d && !Path.IsPathFullyQualified(d) || manifest is { } m && !Path.IsPathFullyQualified(m))
                {
                    return Error(StatusCodes.Status400BadRequest, "Give dir (the absolute path of the folder the model server loads), manifest (the absolute path of a manifest of it), or both.", "invalid_value");
                }

                if (models.Value.Find(id) is not { } model)
                {
                    return Error(StatusCodes.Status404NotFound, $"There is no model '{(id.Length > 100 ? id[..100] : id)}' in the registry.", "not_found");
                }

                var checks = new List<ApprovedFilesCheck>();
                if (dir is not null)
                {
                    checks.AddRange(await ApprovedFiles.VerifyFolderAsync(model, dir, context.RequestAborted));
                }

                if (manifest is not null)
                {
                    checks.Add(ApprovedFiles.VerifyManifest(model, manifest));
                }

                return Write(writer => WriteChecks(writer, model, checks));
            }
        }));
    }

    private static void WriteChecks(Utf8JsonWriter writer, Storage.Models.ModelRecord model, List<ApprovedFilesCheck> checks)
    {
        writer.WriteStartObject();
        writer.WriteString("model", model.Id);
        writer.WriteString("status", ModelStatusWords.Word(model.Status));
        writer.WriteBoolean("match", ApprovedFiles.ExitCode(checks) == 0);
        writer.WriteStartArray("checks");
        foreach (var check in checks)
        {
            writer.WriteStartObject();
            writer.WriteString("against", check.Subject);
            writer.WriteNumber("checked", check.Result.Checked);
            writer.WriteStartArray("differences");
            foreach (var difference in check.Result.Differences)
            {
                writer.WriteStartObject();
                writer.WriteString("path", difference.Path);
                writer.WriteString("kind", difference.KindWord);
                writer.WriteString("detail", difference.Detail);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("errors");
            foreach (var error in check.Result.Errors)
            {
                writer.WriteStringValue(error);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static IResult RegistryError(RegistryException e) => e.Kind switch
    {
        RegistryErrorKind.InvalidInput => Error(StatusCodes.Status400BadRequest, e.Message, "invalid_value"),
        RegistryErrorKind.NotFound => Error(StatusCodes.Status404NotFound, e.Message, "not_found"),
        RegistryErrorKind.IdTaken => Error(StatusCodes.Status409Conflict, e.Message, "conflict"),
        _ => Error(StatusCodes.Status409Conflict, e.Message, "refused"),
    };

    /// <summary>
    /// The request's JSON object (authenticated first, capped like every admin body): an empty body is an empty object,
    /// anything but an object an error that shows <paramref name="example"/>.
    /// </summary>
    private static async Task<(JsonDocument? Body, IResult? Error)> ReadJsonObjectAsync(HttpContext context, string example)
    {
        var (body, invalid) = await ReadJsonAsync(context, example);
        if (invalid is not null)
        {
            return (null, invalid);
        }

        body ??= JsonDocument.Parse("{}");
        if (body.RootElement.ValueKind == JsonValueKind.Object)
        {
            return (body, null);
        }

        body.Dispose();
        return (null, Error(StatusCodes.Status400BadRequest, $"The body must be a JSON object: {example}.", "invalid_json"));
    }

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text.Trim() : null;
}
