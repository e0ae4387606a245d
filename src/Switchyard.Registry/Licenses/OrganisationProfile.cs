namespace Switchyard.Registry.Licenses;

/// <summary>
/// What the organisation deploying a model is and does, as far as licences care: built from the gateway configuration.
/// </summary>
/// <remarks>
/// The profile is taken at its word and read conservatively: a threshold reached exactly counts as crossed, an EU member
/// code among <see cref="Regions"/> counts as the EU, and <see cref="IntendedUse.Production"/> or
/// <see cref="IntendedUse.Internal"/> count as commercial use even when <see cref="CommercialUse"/> is false.
/// </remarks>
public sealed record OrganisationProfile
{
    /// <summary>Whether the organisation uses models commercially (any use that earns or saves money). Defaults to true.</summary>
    public bool CommercialUse { get; init; } = true;

    /// <summary>Monthly active users of the organisation's products, affiliates included (Llama 3.1 counts them).</summary>
    public long MonthlyActiveUsers { get; init; }

    /// <summary>Monthly revenue in US dollars, or null when not stated (a revenue threshold then needs review).</summary>
    public decimal? MonthlyRevenueUsd { get; init; }

    /// <summary>Where the organisation is domiciled or operates: ISO 3166 alpha-2 codes or <c>EU</c>; an EU member code counts as the EU.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];

    /// <summary>What the organisation does with models. Defaults to <see cref="IntendedUse.Production"/>.</summary>
    public IReadOnlyList<IntendedUse> IntendedUses { get; init; } = [IntendedUse.Production];
}
