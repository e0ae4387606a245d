namespace Switchyard.Gateway.Quality.Datasets;

/// <summary>The fine-tuning formats <c>switchyard dataset export</c> writes.</summary>
internal enum DatasetFormat
{
    /// <summary>OpenAI's chat fine-tuning JSONL: <c>{"messages":[...]}</c>.</summary>
    OpenAI,

    /// <summary>ShareGPT: <c>{"conversations":[{"from":"human","value":...},{"from":"gpt",...}]}</c>.</summary>
    ShareGpt,

    /// <summary>Alpaca: <c>{"instruction","input","output","system","history"}</c>.</summary>
    Alpaca,
}
