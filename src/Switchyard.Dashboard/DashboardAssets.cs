using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Switchyard.Dashboard;

/// <summary>
/// The dashboard's files, read once from this assembly's embedded resources (<c>ui/...</c>): their bytes, content type and
/// entity tag. Immutable after loading; serving is a dictionary lookup.
/// </summary>
internal sealed class DashboardAssets
{
    private const string Prefix = "ui/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".json"] = "application/json",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> _files;

    private DashboardAssets(FrozenDictionary<string, Asset> files) => _files = files;

    // The files never change in a process: every gateway started in it (tests start hundreds) shares one copy.
    private static readonly Lazy<DashboardAssets> Loaded = new(Load);

    /// <summary>The files, read on first use.</summary>
    public static DashboardAssets Shared => Loaded.Value;

    /// <summary>The files' paths under <c>/ui/</c> (<c>index.html</c>, <c>js/app.js</c>, ...).</summary>
    public IEnumerable<string> Paths => _files.Keys;

    /// <summary>Reads every embedded file of the dashboard.</summary>
    /// <exception cref="InvalidOperationException">The build left out the page or the chart library.</exception>
    public static DashboardAssets Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var type = ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");
            files[name[Prefix.Length..]] = new Asset(bytes, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"");
        }

        foreach (var required in (string[])["index.html", "vendor/chart.umd.min.js"])
        {
            if (!files.ContainsKey(required))
            {
                throw new InvalidOperationException($"The dashboard's {required} is missing from {assembly.GetName().Name}: build src/Switchyard.Dashboard with Node and npm installed (its build runs npm ci).");
            }
        }

        return new DashboardAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The file at <paramref name="path"/> (relative to <c>/ui/</c>; empty for the page), or <see langword="null"/>.</summary>
    public Asset? Find(string path) => _files.GetValueOrDefault(path.Length == 0 ? "index.html" : path);

    /// <summary>One file: its bytes, content type and strong entity tag.</summary>
    internal sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
