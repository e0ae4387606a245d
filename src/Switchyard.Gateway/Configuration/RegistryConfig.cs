using Switchyard.Registry.Licenses;

namespace Switchyard.Gateway.Configuration;

/// <summary>What the gateway does with a deployment whose registry model is not approved (<c>registry.enforce</c>).</summary>
public enum RegistryEnforcement
{
    /// <summary>Refused at configuration load; a model revoked later leaves routing within a second (<c>on</c>, the default).</summary>
    On,

    /// <summary>Served, with a warning at load and in the log (<c>warn</c>): for the migration onto the registry.</summary>
    Warn,

    /// <summary>Not checked (<c>off</c>): the demo, and gateways that serve nothing self-hosted.</summary>
    Off,
}

/// <summary>When a model may be approved without a person (<c>registry.auto_approve</c>).</summary>
public enum RegistryAutoApprove
{
    /// <summary>Never: legal and security each sign (<c>off</c>, the default).</summary>
    Off,

    /// <summary>When the licence policy allows the model outright and the scan is clean (<c>permissive-clean</c>).</summary>
    PermissiveClean,
}

/// <summary>The model registry's settings (<c>registry:</c>).</summary>
public sealed record RegistryConfig
{
    /// <summary>The settings when the file has no <c>registry:</c> section: enforced, nothing automatic, a commercial production profile.</summary>
    public static RegistryConfig Default { get; } = new();

    /// <summary>What happens to a deployment whose model is not approved.</summary>
    public RegistryEnforcement Enforcement { get; init; } = RegistryEnforcement.On;

    /// <summary>When approval needs no person.</summary>
    public RegistryAutoApprove AutoApprove { get; init; } = RegistryAutoApprove.Off;

    /// <summary>The organisation the licences are judged for (<c>registry.organisation</c>).</summary>
    public OrganisationProfile Organisation { get; init; } = new();
}
