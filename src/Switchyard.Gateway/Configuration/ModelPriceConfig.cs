namespace Switchyard.Gateway.Configuration;

/// <summary>
/// A model's price per million tokens in the configuration's <c>prices:</c> section: it overrides the built-in catalog's
/// list price for that model (a negotiated discount, a newer price) or adds a model the catalog does not know. External
/// deployments without <c>pricing:</c> and a route's <c>baseline:</c> take it; a deployment's own <c>pricing:</c> still
/// wins.
/// </summary>
public sealed record ModelPriceConfig
{
    /// <summary>The model's name as the configuration spells it; matched as the catalog matches (lower case, no provider prefix or date suffix).</summary>
    public required string Model { get; init; }

    /// <summary>Dollars per million input tokens.</summary>
    public required double Input { get; init; }

    /// <summary>Dollars per million output tokens.</summary>
    public required double Output { get; init; }

    /// <summary>Dollars per million cached input tokens; default: <see cref="Input"/>.</summary>
    public double? CachedInput { get; init; }

    /// <summary>Dollars per million reasoning tokens; default: <see cref="Output"/>.</summary>
    public double? Reasoning { get; init; }

    /// <summary>When the price was checked (<c>checked: 2026-01-15</c>), shown with it.</summary>
    public DateOnly? Checked { get; init; }
}
