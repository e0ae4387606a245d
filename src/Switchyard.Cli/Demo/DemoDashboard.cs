using Switchyard.Gateway.Auth;
using Switchyard.Storage.Keys;

namespace Switchyard.Cli.Demo;

/// <summary>
/// The demo's way into the dashboard: it serves <c>/v1</c> without keys, but the dashboard reads the admin API, which
/// always needs one. So the demo makes an auditor key at start (it reads everything and changes nothing, and expires in
/// a day), records it in the audit trail as any key, and prints it with the dashboard's address.
/// </summary>
internal static class DemoDashboard
{
    public const string Team = "demo";

    /// <summary>How long the demo's key works: longer than any demo, short enough that a forgotten one dies.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    /// <summary>Creates the auditor key in the demo's database and returns it (the only time it is seen).</summary>
    public static async Task<string> CreateKeyAsync(string db, TimeProvider time)
    {
        await using var stores = await Storage.Stores.OpenAsync(Storage.StorageOptions.ForSqlite(db), time);
        var store = stores.Keys;
        var now = time.GetUtcNow();
        while (true)
        {
            var (key, id, hash) = ApiKeys.Generate();
            var record = new ApiKeyRecord
            {
                Id = id, Hash = hash, Team = Team, Name = "switchyard demo: the dashboard", Role = "auditor", Created = now, Expires = now.Add(Lifetime),
            };
            // False only when the random id is taken (one in 10^15): draw again.
            if (store.Add(record, now, "switchyard demo"))
            {
                return key;
            }
        }
    }

    /// <summary>The line that says where the dashboard is and how to sign in.</summary>
    public static string Describe(Uri gateway, string key) => $"{Address(gateway)}  (sign in with the auditor key {key}: it reads everything, changes nothing, expires in a day)";

    /// <summary>The dashboard's address on <paramref name="gateway"/>.</summary>
    public static string Address(Uri gateway) => $"{gateway}ui/";

    /// <summary>What the key is, after the key itself.</summary>
    public const string KeyNote = "(auditor: reads everything, changes nothing, expires in a day)";
}
