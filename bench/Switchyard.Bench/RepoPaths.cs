namespace Switchyard.Bench;

/// <summary>Where the repository and its built executable are, found from wherever the harness runs.</summary>
internal static class RepoPaths
{
    /// <summary>The nearest folder above the harness (or the working directory) holding <c>Switchyard.slnx</c>.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public static string DefaultSwitchyard(string repoRoot)
        => Path.Combine(repoRoot, "src", "Switchyard.Cli", "bin", "Release", "net10.0", "switchyard");
}
