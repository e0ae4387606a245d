namespace Switchyard.Registry.Scanning.Gguf;

/// <summary>One <c>general.base_model.{i}.*</c> entry of a GGUF file: a model this one was derived from.</summary>
/// <param name="Name"><c>general.base_model.{i}.name</c> (gguf-py writes a title, such as "Qwen2.5 7B Instruct").</param>
/// <param name="Organization"><c>general.base_model.{i}.organization</c> (also a title, such as "Meta Llama").</param>
/// <param name="Version"><c>general.base_model.{i}.version</c>.</param>
/// <param name="RepoUrl"><c>general.base_model.{i}.repo_url</c>, such as <c>https://huggingface.co/Qwen/Qwen2.5-7B-Instruct</c>.</param>
public sealed record GgufBaseModel(string? Name, string? Organization, string? Version, string? RepoUrl);
