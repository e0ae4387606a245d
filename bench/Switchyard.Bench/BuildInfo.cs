namespace Switchyard.Bench;

/// <summary>How this harness was built, for the reports: a Debug build's figures say nothing.</summary>
internal static class BuildInfo
{
#if DEBUG
    public const bool IsRelease = false;
#else
    public const bool IsRelease = true;
#endif
}
