using System.Collections.Immutable;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary>
/// Walks the YAML representation model of a <c>switchyard.yaml</c> and builds a <see cref="GatewayConfig"/>, recording every
/// problem with its line instead of stopping at the first.
/// </summary>
/// <remarks>
/// <code>
/// root ─► server, storage, request_log      (independent)
///      ─► providers ─► names ─┐
///      ─► deployments ◄───────┘ (provider must exist) ─► names ─┐
///      ─► routes ◄──────────────────────────────────────────────┘ (deployments must exist)
/// </code>
/// Sections are read in that order whatever their order in the file. References are checked against the names
/// <em>declared</em> in the file, not against entries that validated, so one broken provider gives one error rather than
/// one more for every deployment that uses it. A snapshot is built only when nothing at all was wrong.
/// </remarks>
internal sealed partial class ConfigReader(string file, Func<string, string?> environment, List<ConfigError> errors)
{
    /// <summary>The key reported for problems with the file as a whole.</summary>
    internal const string FileKey = "(file)";

    private static readonly string[] RootKeys = ["server", "storage", "request_log", "providers", "deployments", "routes", "classifier", "pii", "budgets", "auth", "teams", "registry", "prices", "metrics", "telemetry", "responses", "limits", "cache"];
    private static readonly string[] ServerKeys = ["listen", "max_request_body_bytes", "tls"];
    private static readonly string[] TlsKeys = ["certificate", "key", "password"];
    private static readonly string[] RequestLogKeys = ["enabled", "queue_capacity", "batch_size", "flush_interval"];

    private readonly string _file = file;
    private readonly Func<string, string?> _environment = environment;
    private readonly List<ConfigError> _errors = errors;

    /// <summary>Reads the document's root node; returns the snapshot, or <see langword="null"/> when any error was recorded.</summary>
    public GatewayConfig? Read(YamlNode root, string? sourcePath)
    {
        var errorsBefore = _errors.Count;
        if (root is not YamlMappingNode)
        {
            Error(root, FileKey, $"the top level of the file must be a mapping of sections ({string.Join(", ", RootKeys)}), but it is {Describe(root)}.");
            return null;
        }

        var top = ReadSection(root, "", root.Start, RootKeys, "server: ...")!;
        var server = ReadServer(top);
        var storage = ReadStorage(top);
        var requestLog = ReadRequestLog(top);
        var providers = ReadProviders(top, out var providerNames);
        var deployments = ReadDeployments(top, providerNames, out var deploymentNames);
        _deployments = deployments.IsDefault ? [] : deployments;
        // Before the routes: a route's baseline may name a model priced here.
        var prices = ReadPrices(top);
        var routes = ReadRoutes(top, deploymentNames, out var routeNames);
        var (classifier, pii) = (ReadClassifier(top), ReadPii(top));
        var budgets = ReadBudgets(top, routes.IsDefault ? [] : [.. routes.Select(r => r.Name)]);
        var auth = ReadAuth(top);
        // Teams name routes declared in the file (not only those that validated: one error, not two).
        var teams = ReadTeams(top, routeNames);
        var registry = ReadRegistry(top);
        var (metrics, telemetry) = (ReadMetrics(top, server?.Listen), ReadTelemetry(top));
        var responses = ReadResponses(top);
        var limits = ReadLimits(top);
        var cache = ReadCache(top, limits);

        if (_errors.Count > errorsBefore)
        {
            return null;
        }

        return new GatewayConfig
        {
            Server = server!,
            Storage = storage!,
            RequestLog = requestLog!,
            Providers = providers,
            Deployments = deployments,
            Routes = routes,
            SourcePath = sourcePath,
            Classifier = classifier!, Pii = pii!,
            Budgets = budgets,
            Prices = prices,
            Auth = auth ?? new AuthConfig(),
            Teams = teams,
            Registry = registry!,
            Metrics = metrics!, Telemetry = telemetry!,
            Responses = responses!,
            Limits = limits!, Cache = cache!,
        };
    }

    private static readonly string[] AuthKeys = ["keys"];
    private static readonly (string Word, AuthMode Value)[] AuthModes = [("required", AuthMode.Required), ("off", AuthMode.Off)];

    private AuthConfig? ReadAuth(Section top)
    {
        if (Value(top, "auth") is not { } node || IsNull(node))
        {
            return null;
        }

        var owner = top.Entries.TryGetValue("auth", out var entry) ? entry.Key.Start : top.Owner;
        if (ReadSection(Value(top, "auth"), "auth", owner, AuthKeys, "auth: { keys: required }") is not { } section)
        {
            return null;
        }

        var mode = AuthMode.Off;
        if (Value(section, "keys") is null)
        {
            Error(owner, "auth.keys", "is required: keys: required (every request needs a key from `switchyard keys create`) or keys: off (no keys).");
            return null;
        }

        return TryReadChoice(section, "keys", AuthModes, ref mode) ? new AuthConfig { Keys = mode, Explicit = true } : null;
    }

    private ServerConfig? ReadServer(Section top)
    {
        Mark? owner = top.Entries.TryGetValue("server", out var entry) ? entry.Key.Start : null;
        if (ReadSection(Value(top, "server"), "server", owner, ServerKeys, "server: { listen: http://127.0.0.1:8080 }") is not { } section)
        {
            return null;
        }

        var ok = true;
        var listen = ServerConfig.DefaultListen;
        if (Value(section, "listen") is { } listenNode)
        {
            ok &= ReadListen(listenNode, out listen);
        }

        var maxBody = ServerConfig.DefaultMaxRequestBodyBytes;
        ok &= TryReadSize(section, "max_request_body_bytes", "It is the largest request body accepted; 4MiB is the default.", ref maxBody);
        var tls = ReadTls(section, ref ok);
        var https = listen.Split(';').Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
        if (ok && https && tls is null)
        {
            Error(MarkOf(section, "listen") ?? owner, "server.listen", "listens on https:// but server.tls gives no certificate. Add server.tls: { certificate: server.pfx, password: ${TLS_PASSWORD} }, or listen on http:// behind a proxy that terminates TLS.");
            ok = false;
        }
        else if (ok && !https && tls is not null)
        {
            Error(MarkOf(section, "tls"), "server.tls", "gives a certificate, but no server.listen URL is https://. Listen on https://0.0.0.0:8443 (for example), or remove server.tls.");
            ok = false;
        }

        return ok ? new ServerConfig { Listen = listen, MaxRequestBodyBytes = maxBody, Tls = tls } : null;
    }

    /// <summary><c>server.tls</c>: the certificate is loaded now, so a wrong path or password stops the configuration with its line.</summary>
    private TlsConfig? ReadTls(Section server, ref bool ok)
    {
        if (Value(server, "tls") is not { } node || IsNull(node))
        {
            return null;
        }

        const string Example = "tls: { certificate: server.pfx, password: ${TLS_PASSWORD} } or tls: { certificate: cert.pem, key: key.pem }";
        if (ReadSection(node, "server.tls", server.Entries["tls"].Key.Start, TlsKeys, Example) is not { } section)
        {
            ok = false;
            return null;
        }

        string? Path(string key)
        {
            if (Value(section, key) is not { } valueNode || Scalar(valueNode, Join("server.tls", key), "a file path") is not { } text)
            {
                return null;
            }

            return System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(_file)) ?? ".", text.Trim()));
        }

        var certificate = Path("certificate");
        if (certificate is null)
        {
            Error(section.Owner, "server.tls.certificate", $"is required: the server certificate file. Write {Example}.");
            ok = false;
            return null;
        }

        var key = Path("key");
        var password = Value(section, "password") is { } passwordNode ? Scalar(passwordNode, "server.tls.password", "the certificate's password") : null;
        var tls = new TlsConfig { Certificate = certificate, Key = key, Password = password };
        try
        {
            using var loaded = TlsCertificates.Load(tls);
            if (!loaded.HasPrivateKey)
            {
                Error(MarkOf(section, "certificate"), "server.tls.certificate", $"'{certificate}' has no private key. Give the key file as server.tls.key, or a .pfx that holds it.");
                ok = false;
                return null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            Error(MarkOf(section, "certificate"), "server.tls.certificate", $"cannot load '{certificate}'{(key is null ? "" : $" with key '{key}'")}: {e.Message}. Check the path{(password is null ? "" : " and the password")}.");
            ok = false;
            return null;
        }

        return tls;
    }

    /// <summary><c>listen</c>: one URL, several separated by ';', or a list of URLs. Each is what Kestrel accepts: http(s), a host, a port.</summary>
    private bool ReadListen(YamlNode node, out string listen)
    {
        const string Key = "server.listen";
        const string Example = "http://127.0.0.1:8080, or http://0.0.0.0:8080 to accept connections from other machines";
        listen = ServerConfig.DefaultListen;
        var parts = new List<(string Url, YamlNode Node)>();
        if (node is YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                if (Scalar(item, Key, "a URL") is { } text)
                {
                    parts.AddRange(text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => (p, item)));
                }
            }
        }
        else if (Scalar(node, Key, "a URL or a list of URLs") is { } text)
        {
            parts.AddRange(text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => (p, node)));
        }
        else
        {
            return false;
        }

        if (parts.Count == 0)
        {
            Error(node, Key, $"no URL given; write {Example}.");
            return false;
        }

        var ok = true;
        foreach (var (url, partNode) in parts)
        {
            if (ListenUrlProblem(url) is { } problem)
            {
                Error(partNode, Key, $"'{Truncate(url)}' {problem}; write {Example} (several separated by ';').");
                ok = false;
            }
        }

        listen = string.Join(';', parts.Select(p => p.Url));
        return ok;
    }

    /// <summary>What is wrong with one listen URL, or <see langword="null"/>.</summary>
    private static string? ListenUrlProblem(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return "is not a URL (it has no http://)";
        }

        var scheme = url[..schemeEnd];
        if (!scheme.Equals("http", StringComparison.OrdinalIgnoreCase) && !scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return $"uses '{scheme}', but only http and https can be listened on";
        }

        var rest = url[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? rest : rest[..slash];
        if (slash >= 0 && rest[slash..] != "/")
        {
            return "has a path; Kestrel listens on a host and port only";
        }

        var colon = authority.LastIndexOf(':');
        if (colon < 0 || colon < authority.LastIndexOf(']') || colon == authority.Length - 1)
        {
            return "has no port";
        }

        if (!int.TryParse(authority[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            return "has a port that is not a number from 0 to 65535";
        }

        // COMPAT: Kestrel reads '*' and '+' as "every address"; System.Uri rejects them as host names.
        var host = authority[..colon];
        if (host is "*" or "+")
        {
            return null;
        }

        return Uri.TryCreate($"{scheme}://{authority}/", UriKind.Absolute, out var parsed) && parsed.Host.Length > 0
            ? null
            : "has a host that is not a valid name or IP address";
    }

    private RequestLogConfig? ReadRequestLog(Section top)
    {
        Mark? owner = top.Entries.TryGetValue("request_log", out var entry) ? entry.Key.Start : null;
        if (ReadSection(Value(top, "request_log"), "request_log", owner, RequestLogKeys, "request_log: { enabled: true, queue_capacity: 10000 }") is not { } section)
        {
            return null;
        }

        var defaults = new RequestLogConfig();
        var enabled = defaults.Enabled;
        var capacity = defaults.QueueCapacity;
        var batch = defaults.BatchSize;
        var flush = defaults.FlushInterval;
        var ok = TryReadBool(section, "enabled", ref enabled);
        var capacityOk = TryReadInt(section, "queue_capacity", 1, int.MaxValue, "The queue holds entries waiting for the store; the default is 10000.", ref capacity);
        var batchOk = TryReadInt(section, "batch_size", 1, int.MaxValue, "It is how many entries are written per transaction; the default is 512.", ref batch);
        ok &= capacityOk & batchOk & TryReadDuration(section, "flush_interval", ref flush);
        if (capacityOk && batchOk && batch > capacity)
        {
            var explicitCapacity = section.Entries.ContainsKey("queue_capacity") ? "" : " (the default)";
            Error(MarkOf(section, "batch_size"), "request_log.batch_size", $"must be at most queue_capacity ({capacity}{explicitCapacity}), but is {batch}: a batch cannot hold more entries than the queue. Lower batch_size or raise queue_capacity.");
            ok = false;
        }

        return ok ? new RequestLogConfig { Enabled = enabled, QueueCapacity = capacity, BatchSize = batch, FlushInterval = flush } : null;
    }
}
