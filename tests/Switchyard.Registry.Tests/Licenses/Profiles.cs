using Switchyard.Registry.Licenses;

namespace Switchyard.Registry.Tests.Licenses;

/// <summary>The organisation profiles the licence tests run against.</summary>
internal static class Profiles
{
    /// <summary>A US startup serving 10k monthly active users.</summary>
    public static readonly OrganisationProfile Startup = new() { MonthlyActiveUsers = 10_000, Regions = ["US"] };

    /// <summary>A consumer company with a billion monthly active users.</summary>
    public static readonly OrganisationProfile Giant = new()
    {
        MonthlyActiveUsers = 1_000_000_000, MonthlyRevenueUsd = 2_000_000_000m, Regions = ["US", "IN"],
    };

    /// <summary>A German company serving a multimodal product.</summary>
    public static readonly OrganisationProfile EuCompany = new() { MonthlyActiveUsers = 50_000, MonthlyRevenueUsd = 1_000_000m, Regions = ["DE"] };

    /// <summary>A research lab: no commercial use, research only.</summary>
    public static readonly OrganisationProfile ResearchLab = new() { CommercialUse = false, Regions = ["US"], IntendedUses = [IntendedUse.Research] };

    /// <summary>A company serving a model and distilling its outputs into its own.</summary>
    public static readonly OrganisationProfile Distiller = new()
    {
        MonthlyActiveUsers = 10_000, MonthlyRevenueUsd = 100_000m, Regions = ["US"], IntendedUses = [IntendedUse.Production, IntendedUse.Distillation],
    };

    public static OrganisationProfile Named(string name) => name switch
    {
        "startup" => Startup,
        "giant" => Giant,
        "eu" => EuCompany,
        "research" => ResearchLab,
        "distiller" => Distiller,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "No such test profile."),
    };
}
