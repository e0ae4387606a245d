using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Simulator.Configuration;
using Switchyard.Simulator.Faults;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Internal;

/// <summary>
/// The read-only endpoints: <c>GET /v1/models</c> (built once), <c>GET /v1/models/{id}</c>, <c>GET /health</c> and
/// <c>GET /sim/stats</c>.
/// </summary>
internal sealed class InfoHandler
{
    /// <summary>A fixed creation time (2024-07-23, Llama 3.1's release), so the list is the same on every run.</summary>
    private const long CreatedUnixSeconds = 1_721_692_800;

    private static readonly JsonEncodedText OwnedByValue = JsonEncodedText.Encode("switchyard-simulator"u8);
    private static readonly ReadOnlyMemory<byte> HealthBody = "{\"status\":\"ok\"}"u8.ToArray();

    private readonly SimulatorConfig _config;
    private readonly SimulatorStats _stats;
    private readonly byte[] _modelList;

    public InfoHandler(SimulatorConfig config, SimulatorStats stats)
    {
        _config = config;
        _stats = stats;
        using var buffer = new PooledByteBuffer();
        using (var writer = new Utf8JsonWriter(buffer, JsonFormat.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(JsonNames.Object, JsonNames.ListValue);
            writer.WriteStartArray(JsonNames.Data);
            foreach (var model in config.Models)
            {
                WriteModel(writer, model.EncodedName);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        _modelList = buffer.WrittenSpan.ToArray();
    }

    public Task ListModelsAsync(HttpContext context)
        => JsonResponse.SendAsync(context, StatusCodes.Status200OK, _modelList, context.RequestAborted);

    public Task GetModelAsync(HttpContext context, string id)
    {
        if (!_config.TryResolve(id, out var model, out var error))
        {
            _stats.BadRequest();
            return JsonResponse.SendErrorAsync(context, error, context.RequestAborted);
        }

        return JsonResponse.SendAsync(context, StatusCodes.Status200OK, model.EchoName, static (writer, name) => WriteModel(writer, name), context.RequestAborted);
    }

    public static Task HealthAsync(HttpContext context)
        => JsonResponse.SendAsync(context, StatusCodes.Status200OK, HealthBody, context.RequestAborted);

    public Task StatsAsync(HttpContext context)
        => JsonResponse.SendAsync(context, StatusCodes.Status200OK, _stats, static (writer, stats) => WriteStats(writer, stats), context.RequestAborted);

    private static void WriteModel(Utf8JsonWriter writer, JsonEncodedText name)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonNames.Id, name);
        writer.WriteString(JsonNames.Object, JsonNames.ModelValue);
        writer.WriteNumber(JsonNames.Created, CreatedUnixSeconds);
        writer.WriteString(JsonNames.OwnedBy, OwnedByValue);
        writer.WriteEndObject();
    }

    private static void WriteStats(Utf8JsonWriter writer, SimulatorStats stats)
    {
        writer.WriteStartObject();
        writer.WriteNumber("requests"u8, stats.Requests);
        writer.WriteNumber("chat_completions"u8, stats.ChatCompletionRequests);
        writer.WriteNumber("completions"u8, stats.CompletionRequests);
        writer.WriteNumber("embeddings"u8, stats.EmbeddingRequests);
        writer.WriteNumber("models"u8, stats.ModelRequests);
        writer.WriteNumber("streaming"u8, stats.StreamingRequests);
        writer.WriteNumber("judge_requests"u8, stats.JudgeRequests);
        writer.WriteNumber("bad_requests"u8, stats.BadRequests);
        writer.WriteNumber("faults_injected"u8, stats.FaultsInjected);
        writer.WriteStartObject("faults"u8);
        for (var i = 1; i < FaultNames.Count; i++)
        {
            writer.WriteNumber(FaultNames.Name((SimulatorFault)i), stats.FaultCount((SimulatorFault)i));
        }

        writer.WriteEndObject();
        writer.WriteNumber("requests_aborted"u8, stats.RequestsAborted);
        writer.WriteNumber("active_requests"u8, stats.ActiveRequests);
        writer.WriteNumber("prompt_tokens"u8, stats.PromptTokens);
        writer.WriteNumber("completion_tokens"u8, stats.CompletionTokens);
        writer.WriteEndObject();
    }
}
