using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Gateway.Configuration.Internal;

/// <summary><c>metrics:</c> (the Prometheus endpoint) and <c>telemetry:</c> (OpenTelemetry traces over OTLP).</summary>
internal sealed partial class ConfigReader
{
    private static readonly string[] MetricsKeys = ["enabled", "path", "require_key", "listen"];
    private static readonly string[] TelemetryKeys = ["otlp", "sample_ratio", "service_name"];
    private static readonly string[] OtlpKeys = ["endpoint", "protocol", "headers"];
    private static readonly (string Word, OtlpProtocol Value)[] OtlpProtocols = [("http/protobuf", OtlpProtocol.HttpProtobuf), ("grpc", OtlpProtocol.Grpc)];

    /// <summary>Paths the gateway serves itself: the metrics path may not shadow them or sit under them.</summary>
    private static readonly string[] ReservedPaths = ["/v1", "/admin", "/healthz", "/readyz", "/ui"];

    private MetricsConfig? ReadMetrics(Section top, string? serverListen)
    {
        if (Value(top, "metrics") is not { } node || IsNull(node))
        {
            return new MetricsConfig();
        }

        const string Example = "metrics: { enabled: true, path: /metrics, require_key: false, listen: http://127.0.0.1:9464 }";
        if (ReadSection(node, "metrics", top.Entries["metrics"].Key.Start, MetricsKeys, Example) is not { } section)
        {
            return null;
        }

        var enabled = true;
        var ok = TryReadBool(section, "enabled", ref enabled);
        bool? requireKey = null;
        if (Value(section, "require_key") is not null)
        {
            var required = false;
            ok &= TryReadBool(section, "require_key", ref required);
            requireKey = required;
        }

        var path = MetricsConfig.DefaultPath;
        if (Value(section, "path") is { } pathNode)
        {
            if (Scalar(pathNode, "metrics.path", "a path such as /metrics") is not { } text)
            {
                ok = false;
            }
            else if (MetricsPathProblem(text.Trim()) is { } problem)
            {
                Error(pathNode, "metrics.path", $"'{Truncate(text.Trim())}' {problem}; write a path such as /metrics.");
                ok = false;
            }
            else
            {
                path = text.Trim();
            }
        }

        string? listen = null;
        if (Value(section, "listen") is { } listenNode)
        {
            if (Scalar(listenNode, "metrics.listen", "one URL") is not { } text)
            {
                ok = false;
            }
            else if (MetricsListenProblem(text.Trim(), serverListen) is { } problem)
            {
                Error(listenNode, "metrics.listen", $"'{Truncate(text.Trim())}' {problem}.");
                ok = false;
            }
            else
            {
                listen = text.Trim();
            }
        }

        return ok ? new MetricsConfig { Enabled = enabled, Path = path, RequireKey = requireKey, Listen = listen } : null;
    }

    /// <summary>What is wrong with a metrics path, or <see langword="null"/>.</summary>
    private static string? MetricsPathProblem(string path)
    {
        if (!path.StartsWith('/') || path.Length < 2)
        {
            return "is not a path below the root: it must start with '/' and name something";
        }

        if (path.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#' or '%'))
        {
            return "holds whitespace, '?', '#' or '%': a plain path is needed";
        }

        foreach (var reserved in ReservedPaths)
        {
            if (path.Equals(reserved, StringComparison.OrdinalIgnoreCase) || path.StartsWith(reserved + "/", StringComparison.OrdinalIgnoreCase))
            {
                return $"is the gateway's own {reserved} (reserved: /v1, /admin, /healthz, /readyz, /ui)";
            }
        }

        return null;
    }

    /// <summary>What is wrong with the metrics listener's URL, or <see langword="null"/>.</summary>
    private static string? MetricsListenProblem(string url, string? serverListen)
    {
        const string Example = "write one http URL with a port, e.g. http://127.0.0.1:9464 (an interface only Prometheus reaches)";
        if (url.Contains(';', StringComparison.Ordinal))
        {
            return $"holds several URLs; {Example}";
        }

        if (ListenUrlProblem(url) is { } problem)
        {
            return $"{problem}; {Example}";
        }

        if (!url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return $"is https; the metrics listener serves plain HTTP (put it on an internal interface, or behind a proxy that terminates TLS): {Example}";
        }

        var port = url[(url.LastIndexOf(':') + 1)..].TrimEnd('/');
        if (port != "0" && serverListen is not null)
        {
            foreach (var other in serverListen.Split(';'))
            {
                if (other.TrimEnd('/').EndsWith(":" + port, StringComparison.Ordinal))
                {
                    return $"uses port {port}, which server.listen already uses ('{other}'); give the metrics listener a port of its own";
                }
            }
        }

        return null;
    }

    private TelemetryConfig? ReadTelemetry(Section top)
    {
        if (Value(top, "telemetry") is not { } node || IsNull(node))
        {
            return new TelemetryConfig();
        }

        const string Example = "telemetry: { otlp: { endpoint: http://otel-collector:4318, protocol: http/protobuf }, sample_ratio: 1 }";
        if (ReadSection(node, "telemetry", top.Entries["telemetry"].Key.Start, TelemetryKeys, Example) is not { } section)
        {
            return null;
        }

        var ok = true;
        var ratio = 1.0;
        if (Value(section, "sample_ratio") is { } ratioNode)
        {
            if (Scalar(ratioNode, "telemetry.sample_ratio", "a number from 0 to 1") is not { } text
                || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out ratio) || !double.IsFinite(ratio) || ratio is < 0 or > 1)
            {
                Error(ratioNode, "telemetry.sample_ratio", $"expected a number from 0 to 1 (the share of requests traced, e.g. 0.1 for one in ten) but found {Describe(ratioNode)}.");
                ok = false;
            }
        }

        var serviceName = TelemetryConfig.DefaultServiceName;
        if (Value(section, "service_name") is { } nameNode)
        {
            var text = Scalar(nameNode, "telemetry.service_name", "a name");
            if (text is null || text.Trim().Length == 0 || text.Any(char.IsControl))
            {
                if (text is not null)
                {
                    Error(nameNode, "telemetry.service_name", $"must be a name on one line, e.g. {TelemetryConfig.DefaultServiceName} or switchyard-eu.");
                }

                ok = false;
            }
            else
            {
                serviceName = text.Trim();
            }
        }

        OtlpConfig? otlp = null;
        if (Value(section, "otlp") is { } otlpNode)
        {
            otlp = ReadOtlp(otlpNode, section.Entries["otlp"].Key.Start);
            ok &= otlp is not null;
        }

        return ok ? new TelemetryConfig { Otlp = otlp, SampleRatio = ratio, ServiceName = serviceName } : null;
    }

    private OtlpConfig? ReadOtlp(YamlNode node, YamlDotNet.Core.Mark owner)
    {
        const string Example = "otlp: { endpoint: http://otel-collector:4318, protocol: http/protobuf, headers: { x-api-key: ${OTEL_API_KEY} } }";
        if (ReadSection(node, "telemetry.otlp", owner, OtlpKeys, Example) is not { } section)
        {
            return null;
        }

        var protocol = OtlpProtocol.HttpProtobuf;
        var ok = TryReadChoice(section, "protocol", OtlpProtocols, ref protocol);
        ok &= TryReadHeaders(section, "otel", out var headers);
        var endpoint = ReadOtlpEndpoint(section, protocol);
        return ok && endpoint is not null ? new OtlpConfig { Endpoint = endpoint, Protocol = protocol, Headers = headers } : null;
    }

    private Uri? ReadOtlpEndpoint(Section section, OtlpProtocol protocol)
    {
        const string Key = "telemetry.otlp.endpoint";
        var example = protocol == OtlpProtocol.Grpc ? "http://otel-collector:4317" : "http://otel-collector:4318";
        if (RequiredString(section, "endpoint", $"Add the collector's URL, e.g. endpoint: {example}.") is not { } text
            || Substitute(Value(section, "endpoint")!, Key, text) is not { } url)
        {
            return null;
        }

        var node = Value(section, "endpoint")!;
        // SECURITY: a URL with user:password@ holds a credential; never echo it.
        var shown = url.Contains('@', StringComparison.Ordinal) ? "the URL" : $"'{Truncate(url.Trim())}'";
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            Error(node, Key, $"{shown} is not an absolute http or https URL; write the collector's URL, e.g. {example}.");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            Error(node, Key, "the URL holds a user name or password; secrets must not live in the file. Send them as a header from the environment: headers: { Authorization: Bearer ${OTEL_TOKEN} }.");
            return null;
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            Error(node, Key, $"{shown} has a query (?...) or fragment (#...); write the collector's base URL, e.g. {example}.");
            return null;
        }

        return uri;
    }
}
