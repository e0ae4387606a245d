using Switchyard.Registry.Licenses;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>registry:</c>: enforcement, automatic approval, and the organisation profile the licences are judged for.</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] RegistryKeys = ["enforce", "auto_approve", "organisation"];
    private static readonly string[] OrganisationKeys = ["commercial_use", "monthly_active_users", "monthly_revenue_usd", "regions", "intended_uses"];
    private static readonly (string Word, RegistryEnforcement Value)[] Enforcements =
        [("on", RegistryEnforcement.On), ("warn", RegistryEnforcement.Warn), ("off", RegistryEnforcement.Off)];
    private static readonly (string Word, RegistryAutoApprove Value)[] AutoApprovals =
        [("off", RegistryAutoApprove.Off), ("permissive-clean", RegistryAutoApprove.PermissiveClean)];
    private static readonly (string Word, IntendedUse Value)[] IntendedUses =
    [
        ("production", IntendedUse.Production), ("internal", IntendedUse.Internal), ("research", IntendedUse.Research),
        ("evaluation", IntendedUse.Evaluation), ("training-on-outputs", IntendedUse.TrainingOnOutputs),
        ("distillation", IntendedUse.Distillation), ("fine-tuning", IntendedUse.FineTuning),
    ];

    private RegistryConfig? ReadRegistry(Section top)
    {
        if (Value(top, "registry") is not { } node || IsNull(node))
        {
            return RegistryConfig.Default;
        }

        const string Example = "registry: { enforce: on, organisation: { commercial_use: true, monthly_active_users: 50000, regions: [US, DE] } }";
        if (ReadSection(node, "registry", top.Entries["registry"].Key.Start, RegistryKeys, Example) is not { } section)
        {
            return null;
        }

        var enforcement = RegistryEnforcement.On;
        var autoApprove = RegistryAutoApprove.Off;
        var ok = TryReadChoice(section, "enforce", Enforcements, ref enforcement);
        ok &= TryReadChoice(section, "auto_approve", AutoApprovals, ref autoApprove);
        var organisation = new OrganisationProfile();
        if (Value(section, "organisation") is { } orgNode && !IsNull(orgNode))
        {
            organisation = ReadOrganisation(orgNode, section.Entries["organisation"].Key.Start, ref ok) ?? organisation;
        }

        return ok ? new RegistryConfig { Enforcement = enforcement, AutoApprove = autoApprove, Organisation = organisation } : null;
    }

    private OrganisationProfile? ReadOrganisation(YamlNode node, YamlDotNet.Core.Mark owner, ref bool ok)
    {
        const string Path = "registry.organisation";
        if (ReadSection(node, Path, owner, OrganisationKeys, "organisation: { commercial_use: true, monthly_active_users: 50000, regions: [US], intended_uses: [production] }") is not { } section)
        {
            ok = false;
            return null;
        }

        var commercial = true;
        ok &= TryReadBool(section, "commercial_use", ref commercial);
        var users = 0L;
        ok &= TryReadInt(section, "monthly_active_users", 0, long.MaxValue, "It is how many people use the products the models serve, each month (licences such as Llama's and Qwen's have thresholds).", ref users);
        decimal? revenue = null;
        if (Value(section, "monthly_revenue_usd") is { } revenueNode)
        {
            if (Scalar(revenueNode, Join(Path, "monthly_revenue_usd"), "a number of dollars") is { } text
                && decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var parsed) && parsed >= 0)
            {
                revenue = parsed;
            }
            else
            {
                Error(revenueNode, Join(Path, "monthly_revenue_usd"), "must be a number of dollars, 0 or more, e.g. 2000000.");
                ok = false;
            }
        }

        var regions = new List<string>();
        foreach (var (item, text) in ScalarList(section, "regions", "a region code, e.g. US or DE"))
        {
            if (text.Length is < 2 or > 3 || !text.All(char.IsAsciiLetter))
            {
                Error(item, Join(Path, "regions"), $"'{Truncate(text)}' is not a region: give ISO 3166 country codes (US, DE, FR) or EU.");
                ok = false;
                continue;
            }

            regions.Add(text.ToUpperInvariant());
        }

        var uses = new List<IntendedUse>();
        foreach (var (item, text) in ScalarList(section, "intended_uses", "an intended use"))
        {
            var match = Array.FindIndex(IntendedUses, u => string.Equals(u.Word, text, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                Error(item, Join(Path, "intended_uses"), $"'{Truncate(text)}' is not an intended use: use {string.Join(", ", IntendedUses.Select(u => u.Word))}.");
                ok = false;
                continue;
            }

            uses.Add(IntendedUses[match].Value);
        }

        return new OrganisationProfile
        {
            CommercialUse = commercial,
            MonthlyActiveUsers = users,
            MonthlyRevenueUsd = revenue,
            Regions = regions,
            IntendedUses = Value(section, "intended_uses") is null ? [IntendedUse.Production] : uses,
        };
    }

    /// <summary>A key that holds one scalar or a list of scalars, each with its node (for the error's line).</summary>
    private List<(YamlNode Node, string Text)> ScalarList(Section section, string key, string expected)
    {
        var items = new List<(YamlNode, string)>();
        if (Value(section, key) is not { } node || IsNull(node))
        {
            return items;
        }

        foreach (var item in node is YamlSequenceNode list ? list.Children : [node])
        {
            if (Scalar(item, Join(section.Path, key), expected) is { } text && text.Trim().Length > 0)
            {
                items.Add((item, text.Trim()));
            }
        }

        return items;
    }
}
