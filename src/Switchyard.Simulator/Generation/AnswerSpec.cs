using System.Text.Json;
using Switchyard.Simulator.Protocol;

namespace Switchyard.Simulator.Generation;

/// <summary>Everything one generated choice depends on.</summary>
/// <param name="Skill">The model's probability of a good answer for <paramref name="Kind"/>.</param>
/// <param name="AnswerHash">Seeds the text: model name, prompt, request seed and choice index.</param>
/// <param name="DifficultyHash">
/// Decides good or bad against <paramref name="Skill"/>: prompt, request seed and choice index, but not the model, so a prompt
/// is equally hard for every model and a stronger model passes every prompt a weaker one passes.
/// </param>
/// <param name="Kind">The prompt's kind.</param>
/// <param name="Format">The requested <c>response_format</c>.</param>
/// <param name="Schema">The <c>json_schema</c> schema, or undefined.</param>
/// <param name="Tools">The functions to call, or null when no tool call is due.</param>
/// <param name="ForcedTool">The function <c>tool_choice</c> names, or null.</param>
/// <param name="ParallelToolCalls">Whether several calls may be made at once.</param>
/// <param name="MaxTokens">The cap on completion tokens, or null.</param>
/// <param name="Stop">Stop sequences (UTF-8), or null.</param>
/// <param name="Override">A quality demanded by the request, bypassing the skill draw.</param>
/// <param name="ContentFilter">The content filter fault: an empty answer.</param>
/// <param name="TrueAnswer">A math prompt's true answer (see <see cref="FinalAnswer"/>), which good prose states last; 0 otherwise.</param>
/// <param name="WrongShare">The model's share of bad answers that are plausible but wrong.</param>
/// <param name="Judge">A judge request's question and answer: the answer is the verdict instead.</param>
internal readonly record struct AnswerSpec(
    double Skill,
    ulong AnswerHash,
    ulong DifficultyHash,
    PromptKind Kind,
    ResponseFormatKind Format,
    JsonElement Schema,
    ToolDefinition[]? Tools,
    string? ForcedTool,
    bool ParallelToolCalls,
    int? MaxTokens,
    byte[][]? Stop,
    QualityOverride Override,
    bool ContentFilter,
    int TrueAnswer = 0,
    double WrongShare = 0,
    JudgePrompt? Judge = null);
