namespace Switchyard.Registry.Licenses;

/// <summary>The licence classes of governance section 4.3, each with a default action.</summary>
public enum LicenseClass
{
    /// <summary>Apache-2.0, MIT, BSD: allowed, with their notice obligations.</summary>
    Permissive,
    /// <summary>Commercial use with conditions (Llama, Gemma, Qwen, DeepSeek, Falcon, Kimi): legal approves each family and version.</summary>
    CommunityCommercial,
    /// <summary>Research or non-production use only (MRL, MNPL, Qwen research, CC-BY-NC): blocked for production, research sandbox only.</summary>
    NonCommercial,
    /// <summary>No licence the catalog knows: never approved without review.</summary>
    Unknown,
}
