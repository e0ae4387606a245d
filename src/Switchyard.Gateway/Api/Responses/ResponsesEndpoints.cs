using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.Responses;

namespace Switchyard.Gateway.Api.Responses;

/// <summary>
/// Maps OpenAI's Responses API: <c>POST /v1/responses</c> on every route, whatever serves it, and the stored responses
/// (<c>GET</c> and <c>DELETE /v1/responses/{id}</c>, <c>GET /v1/responses/{id}/input_items</c>).
/// </summary>
/// <remarks>
/// <code>
/// read body (bounded) ─► ResponsesRequestReader (400 naming what cannot be translated)
///   ─► previous_response_id: the stored conversation (its owner's only; 404 otherwise)
///   ─► ChatRequestWriter ─► OpenAI chat request ─┐
/// RequestForwarder (auth, route, limits, budgets, quality gate, failover, costs, request log: as for chat completions)
///   ─► ResponsesResponseBody: JSON translated whole, streams event by event, errors as they are ─► client
///        └─ completed or incomplete, with store: the response is saved before its last bytes leave
/// </code>
/// Authentication is the <c>/v1</c> group's. Stored responses belong to the key that created them (or its team with
/// <c>responses.scope: team</c>; <c>anonymous</c> without keys): anyone else gets the 404 of an id that does not exist.
/// </remarks>
internal static class ResponsesEndpoints
{
    private const int DefaultItemsLimit = 20;
    private const int MaxItemsLimit = 100;

    public static IEndpointRouteBuilder MapResponsesEndpoints(this IEndpointRouteBuilder endpoints, ResponseStorage storage)
    {
        var forwarder = endpoints.ServiceProvider.GetRequiredService<RequestForwarder>();
        var runtime = endpoints.ServiceProvider.GetRequiredService<GatewayRuntime>();
        var time = endpoints.ServiceProvider.GetRequiredService<TimeProvider>();

        // SECURITY: the same key check as every /v1 endpoint (Auth/ClientAuthentication); the handlers fail closed too.
        var responses = endpoints.MapGroup("/v1/responses").WithMetadata(ClientKeyRequired.Instance);
        responses.MapPost("", context => CreateAsync(context, forwarder, runtime, storage, time));
        responses.MapGet("/{id}", context => GetAsync(context, runtime, storage));
        responses.MapDelete("/{id}", context => DeleteAsync(context, runtime, storage));
        responses.MapGet("/{id}/input_items", context => InputItemsAsync(context, runtime, storage));
        return endpoints;
    }

    private static async Task CreateAsync(HttpContext context, RequestForwarder forwarder, GatewayRuntime runtime, ResponseStorage storage, TimeProvider time)
    {
        var config = runtime.Current.Config;
        if (!ClientAuthentication.TryGetKey(context, config, out var key, out var unauthenticated))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiErrorWriter.WriteAsync(context, unauthenticated);
            return;
        }

        using var body = await EdgeTranslation.ReadBodyAsync(context, config.Server.MaxRequestBodyBytes);
        if (body is null)
        {
            return;
        }

        if (ResponsesRequestReader.TryRead(body.WrittenSpan, out var request) is { } refused)
        {
            await ApiErrorWriter.WriteAsync(context, refused);
            return;
        }

        var owner = ResponseStorage.OwnerOf(key, config.Responses);
        var conversation = new List<JsonDocument>();
        try
        {
            if (request!.PreviousResponseId is { } previous && await ConversationAsync(storage, owner, previous, config.Responses.Retention, conversation) is { } notFound)
            {
                await ApiErrorWriter.WriteAsync(context, notFound);
                return;
            }

            var chat = ChatRequestWriter.Write(request, Items(conversation));
            var now = time.GetUtcNow();
            var shell = new ResponseShell(ResponseIds.New("resp_"), now.ToUnixTimeSeconds(), request.Echo);
            var save = request.Store ? (Func<byte[], Task>)(response => storage.SaveAsync(new StoredResponse
            {
                Id = shell.Id,
                KeyId = owner.KeyId,
                Team = owner.Team,
                Created = now,
                Expires = now + config.Responses.Retention,
                PreviousId = request.PreviousResponseId,
                InputItemsJson = Encoding.UTF8.GetString(request.InputItems),
                ResponseJson = Encoding.UTF8.GetString(response),
            })) : null;
            using var answer = new ResponsesResponseBody(context, context.Features.GetRequiredFeature<IHttpResponseBodyFeature>(), shell, time, save);
            await EdgeTranslation.ForwardAsync(context, forwarder, chat, answer);
        }
        finally
        {
            foreach (var document in conversation)
            {
                document.Dispose();
            }
        }
    }

    /// <summary>
    /// Loads the conversation <paramref name="previous"/> ends: for each response, oldest first, its input items and its
    /// output. Returns the error to answer with when it cannot be continued.
    /// </summary>
    private static async Task<ApiError?> ConversationAsync(ResponseStorage storage, ResponseOwner owner, string previous, TimeSpan retention, List<JsonDocument> documents)
    {
        IReadOnlyList<StoredResponse> links = [];
        if (ResponseIds.IsResponseId(previous))
        {
            try
            {
                links = await storage.ConversationAsync(previous, owner);
            }
            catch (Exception e) when (ResponseStorage.IsStoreFailure(e))
            {
                return storage.Failed(e, "reading a conversation");
            }
        }

        if (links.Count == 0)
        {
            return new ApiError(StatusCodes.Status404NotFound, ApiError.InvalidRequest,
                $"Previous response with id '{previous}' not found. Responses are kept {Describe(retention)} (responses.retention), for the key that made them, and only with store: true.",
                "previous_response_id", "previous_response_not_found");
        }

        if (links[0].PreviousId is { } gone)
        {
            return new ApiError(StatusCodes.Status404NotFound, ApiError.InvalidRequest,
                $"The conversation of '{previous}' continues response '{gone}', which was deleted or has expired (responses are kept {Describe(retention)}): it cannot be continued without it. Send the conversation as input items instead.",
                "previous_response_id", "previous_response_not_found");
        }

        foreach (var link in links)
        {
            documents.Add(JsonDocument.Parse(link.InputItemsJson));
            documents.Add(JsonDocument.Parse(link.ResponseJson));
        }

        return null;
    }

    /// <summary>The item arrays of a loaded conversation: input items, then the response's output, per response.</summary>
    private static IEnumerable<JsonElement> Items(List<JsonDocument> conversation)
    {
        for (var i = 0; i < conversation.Count; i += 2)
        {
            yield return conversation[i].RootElement;
            yield return conversation[i + 1].RootElement.GetProperty("output");
        }
    }

    private static async Task GetAsync(HttpContext context, GatewayRuntime runtime, ResponseStorage storage)
    {
        if (Owner(context, runtime, out var owner) is { } refused)
        {
            await ApiErrorWriter.WriteAsync(context, refused);
            return;
        }

        if (context.Request.Query["stream"] == "true")
        {
            await ApiErrorWriter.WriteAsync(context, ResponsesRequestReader.Unsupported("stream: a stored response is returned whole; replaying its events is not supported.", "stream"));
            return;
        }

        var (stored, error) = await FindAsync(context, storage, owner);
        if (error is { } failed)
        {
            await ApiErrorWriter.WriteAsync(context, failed);
            return;
        }

        await WriteJsonAsync(context, Encoding.UTF8.GetBytes(stored!.ResponseJson));
    }

    private static async Task DeleteAsync(HttpContext context, GatewayRuntime runtime, ResponseStorage storage)
    {
        if (Owner(context, runtime, out var owner) is { } refused)
        {
            await ApiErrorWriter.WriteAsync(context, refused);
            return;
        }

        var id = (string)context.Request.RouteValues["id"]!;
        bool deleted;
        try
        {
            deleted = ResponseIds.IsResponseId(id) && await storage.DeleteAsync(id, owner);
        }
        catch (Exception e) when (ResponseStorage.IsStoreFailure(e))
        {
            await ApiErrorWriter.WriteAsync(context, storage.Failed(e, "deleting a response"));
            return;
        }

        if (!deleted)
        {
            await ApiErrorWriter.WriteAsync(context, NotFound(id));
            return;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id"u8, id);
            writer.WriteString("object"u8, "response.deleted"u8);
            writer.WriteBoolean("deleted"u8, true);
            writer.WriteEndObject();
        }

        await WriteJsonAsync(context, buffer.WrittenMemory);
    }

    /// <summary>
    /// A page of a stored response's own input items, as OpenAI lists them: newest first unless <c>order=asc</c>,
    /// <c>limit</c> of 1 to 100 (20), after the item <c>after</c> or before the item <c>before</c>.
    /// </summary>
    private static async Task InputItemsAsync(HttpContext context, GatewayRuntime runtime, ResponseStorage storage)
    {
        if (Owner(context, runtime, out var owner) is { } refused)
        {
            await ApiErrorWriter.WriteAsync(context, refused);
            return;
        }

        var query = context.Request.Query;
        var limit = DefaultItemsLimit;
        if (query["limit"].ToString() is { Length: > 0 } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxItemsLimit))
        {
            await ApiErrorWriter.WriteAsync(context, ApiError.InvalidValue("limit", $"Invalid 'limit': '{limitText}'. Expected an integer from 1 to {MaxItemsLimit}."));
            return;
        }

        var order = query["order"].ToString() is { Length: > 0 } orderText ? orderText : "desc";
        if (order is not ("asc" or "desc"))
        {
            await ApiErrorWriter.WriteAsync(context, ApiError.InvalidValue("order", $"Invalid 'order': '{order}'. Supported values are: 'asc' and 'desc'."));
            return;
        }

        var (stored, error) = await FindAsync(context, storage, owner);
        if (error is { } failed)
        {
            await ApiErrorWriter.WriteAsync(context, failed);
            return;
        }

        using var items = JsonDocument.Parse(stored!.InputItemsJson);
        var all = items.RootElement.EnumerateArray().ToList();
        if (order == "desc")
        {
            all.Reverse();
        }

        // A page after one item (the next), or before one (the previous): as OpenAI's list cursors.
        var (start, end) = (0, all.Count);
        foreach (var cursor in (ReadOnlySpan<string>)["after", "before"])
        {
            if (query[cursor].ToString() is not { Length: > 0 } id)
            {
                continue;
            }

            var at = all.FindIndex(item => ResponseInputItems.String(item, "id") == id);
            if (at < 0)
            {
                await ApiErrorWriter.WriteAsync(context, ApiError.InvalidValue(cursor, $"Invalid '{cursor}': no input item '{id}' in response '{stored.Id}'."));
                return;
            }

            (start, end) = cursor == "after" ? (at + 1, end) : (start, at);
        }

        if (query["before"].ToString() is { Length: > 0 })
        {
            start = Math.Max(start, end - limit);
        }

        var page = all.Skip(start).Take(Math.Min(limit, Math.Max(0, end - start))).ToList();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(stored.InputItemsJson.Length + 128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("object"u8, "list"u8);
            writer.WriteStartArray("data"u8);
            foreach (var item in page)
            {
                item.WriteTo(writer);
            }

            writer.WriteEndArray();
            writer.WriteString("first_id"u8, page.Count > 0 ? ResponseInputItems.String(page[0], "id") : null);
            writer.WriteString("last_id"u8, page.Count > 0 ? ResponseInputItems.String(page[^1], "id") : null);
            writer.WriteBoolean("has_more"u8, query["before"].ToString().Length > 0 ? start > 0 : start + page.Count < end);
            writer.WriteEndObject();
        }

        await WriteJsonAsync(context, buffer.WrittenMemory);
    }

    /// <summary>The owner of the request's stored responses, or the 401 when keys are required and none came (fail closed).</summary>
    private static ApiError? Owner(HttpContext context, GatewayRuntime runtime, out ResponseOwner owner)
    {
        var config = runtime.Current.Config;
        owner = default;
        if (!ClientAuthentication.TryGetKey(context, config, out var key, out var unauthenticated))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return unauthenticated;
        }

        owner = ResponseStorage.OwnerOf(key, config.Responses);
        return null;
    }

    private static async Task<(StoredResponse? Stored, ApiError? Error)> FindAsync(HttpContext context, ResponseStorage storage, ResponseOwner owner)
    {
        var id = (string)context.Request.RouteValues["id"]!;
        try
        {
            // SECURITY: another owner's response is not found, exactly as an id that never existed.
            var stored = ResponseIds.IsResponseId(id) ? await storage.FindAsync(id, owner) : null;
            return stored is null ? (null, NotFound(id)) : (stored, null);
        }
        catch (Exception e) when (ResponseStorage.IsStoreFailure(e))
        {
            return (null, storage.Failed(e, "reading a response"));
        }
    }

    private static ApiError NotFound(string id)
        => new(StatusCodes.Status404NotFound, ApiError.InvalidRequest, $"Response with id '{id}' not found.", "response_id", "response_not_found");

    private static string Describe(TimeSpan retention)
        => retention.TotalDays >= 1 && retention.Ticks % TimeSpan.TicksPerDay == 0 ? $"{retention.TotalDays:0} days" : Configuration.Internal.DurationSyntax.Format(retention);

    private static Task WriteJsonAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }
}
