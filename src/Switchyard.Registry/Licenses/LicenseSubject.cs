namespace Switchyard.Registry.Licenses;

/// <summary>
/// One link of a model's base chain, as its card (or GGUF metadata) declares it. A chain passed to
/// <see cref="LicensePolicy.Evaluate"/> starts with the model itself, then its base, its base's base, and so on.
/// </summary>
/// <param name="ModelId">The repository id, such as <c>meta-llama/Llama-3.1-8B-Instruct</c>.</param>
/// <param name="LicenseId">The card's <c>license</c> (a Hub id, <c>other</c>, <c>unknown</c>) or a GGUF SPDX expression; null when missing.</param>
/// <param name="LicenseName">The card's <c>license_name</c> slug, which names the licence when <c>license</c> is <c>other</c>.</param>
/// <param name="Multimodal">Whether the model takes images (or other media) as input; the EU restriction of Llama 3.2 depends on it.</param>
/// <param name="ModelName">The name under which the model is published or served; null to use the repository name of <paramref name="ModelId"/>.</param>
public sealed record LicenseSubject(string ModelId, string? LicenseId, string? LicenseName, bool Multimodal, string? ModelName);
