namespace Switchyard.Registry.Licenses;

/// <summary>The stable codes of <see cref="LicenseClause.Code"/> and <see cref="LicenseObligation.Code"/>.</summary>
/// <remarks>COMPAT: approvals, reports and overrides key on these codes; a code is never renamed nor reused once shipped.</remarks>
public static class LicenseCodes
{
    /// <summary>Clause: no licence the catalog knows (missing, <c>unknown</c>, <c>other</c> without a known <c>license_name</c>).</summary>
    public const string UnknownLicense = "unknown-license";
    /// <summary>Clause: a permissive licence.</summary>
    public const string PermissiveLicense = "permissive-license";
    /// <summary>Clause: a community licence, which legal approves per family and version.</summary>
    public const string CommunityLicense = "community-license";
    /// <summary>Clause: a licence that does not allow commercial or production use.</summary>
    public const string NonCommercial = "non-commercial";
    /// <summary>Clause: the monthly-active-user threshold.</summary>
    public const string MauThreshold = "mau-threshold";
    /// <summary>Clause: the monthly-revenue threshold.</summary>
    public const string RevenueThreshold = "revenue-threshold";
    /// <summary>Clause: the EU restriction on multimodal models (Llama 3.2, Llama 4).</summary>
    public const string EuMultimodal = "eu-multimodal";
    /// <summary>Clause: a region restriction that does not depend on modality.</summary>
    public const string RegionRestriction = "region-restriction";
    /// <summary>Clause and obligation: a derivative's name must start with a prefix ("Llama").</summary>
    public const string DerivativeNaming = "derivative-naming";
    /// <summary>Obligation: something to display prominently ("Built with Llama").</summary>
    public const string Attribution = "attribution";
    /// <summary>Obligation: a notice, a NOTICE file or change marks.</summary>
    public const string Notice = "notice";
    /// <summary>Obligation: give recipients a copy of the licence.</summary>
    public const string LicenseCopy = "license-copy";
    /// <summary>Obligation: pass the licence's use restrictions on to recipients and users.</summary>
    public const string FlowDown = "flow-down";
    /// <summary>Obligation: comply with (and pass on) an acceptable use policy.</summary>
    public const string AcceptableUse = "acceptable-use";
    /// <summary>Obligation: comply with export control laws (Qwen §5.a).</summary>
    public const string ExportControl = "export-control";
    /// <summary>Clause: what the licence says about training on, or distilling, outputs.</summary>
    public const string OutputTraining = "output-training";
    /// <summary>Clause: the licensor may restrict use remotely.</summary>
    public const string RemoteRevocation = "remote-revocation";
    /// <summary>Clause: a derivative declares another licence than its base.</summary>
    public const string LicenseMismatch = "license-mismatch";
    /// <summary>Clause: the card declares another licence than the policy table lists for the model.</summary>
    public const string ExpectedLicense = "expected-license";
    /// <summary>Clause: the policy table marks the row "verify", or the licence is not in the table.</summary>
    public const string NeedsVerification = "needs-verification";
    /// <summary>Clause: the base models form a cycle (a model that derives from itself), so the derivation cannot be judged.</summary>
    public const string BaseCycle = "base-cycle";
    /// <summary>Clause: the base graph is deeper or wider than the registry follows; the paths beyond were not judged.</summary>
    public const string BaseGraphTruncated = "base-graph-truncated";
    /// <summary>Clause: a registered base was rejected or revoked, which withdraws what derives from it.</summary>
    public const string BaseWithdrawn = "base-withdrawn";
}
