using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics;

namespace Switchyard.Gateway.Internal;

/// <summary>
/// Hot reload: watches the configuration file (and SIGHUP), validates a new version, and swaps it in; an invalid version
/// keeps the running configuration and logs every error with its line.
/// </summary>
/// <remarks>
/// The folder is watched rather than the file: editors save by writing a new file and renaming it over the old one, and
/// Kubernetes updates a mounted ConfigMap by swapping a symlink, neither of which a watch on the file itself survives.
/// Events are debounced (editors write in several steps), and a version identical to the running one is ignored.
/// </remarks>
internal sealed class ConfigWatcher : IDisposable
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(300);

    private readonly string _path;
    private readonly string _fileName;
    private readonly GatewayRuntime _runtime;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher _watcher;
    private readonly PosixSignalRegistration? _hangup;
    private readonly Timer _timer;
    private readonly Lock _lock = new();
    private string? _lastText;

    /// <summary>The registry gate a reloaded configuration must pass, when the registry is enforced.</summary>
    public Governance.RegistryGate? Registry { get; init; }

    public ConfigWatcher(string path, GatewayRuntime runtime, ILogger logger)
    {
        _path = Path.GetFullPath(path);
        _fileName = Path.GetFileName(_path);
        _runtime = runtime;
        _logger = logger;
        _lastText = TryRead();
        _timer = new Timer(_ => ReloadNow(), null, Timeout.Infinite, Timeout.Infinite);
        _watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!)
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
            IncludeSubdirectories = false,
        };
        _watcher.Changed += OnEvent;
        _watcher.Created += OnEvent;
        _watcher.Renamed += (_, e) =>
        {
            // An editor's save renames a temporary file over ours: the new name is ours.
            if (e.Name == _fileName || e.OldName == _fileName || (e.Name?.StartsWith("..", StringComparison.Ordinal) ?? false))
            {
                Schedule();
            }
        };
        _watcher.EnableRaisingEvents = true;
        if (!OperatingSystem.IsWindows())
        {
            _hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Schedule();
            });
        }
    }

    /// <summary>Raised after each reload attempt: true when a new configuration was swapped in.</summary>
    public event Action<bool>? Reloaded;

    // PERF: the folder often holds the SQLite request log too, whose writes raise events many times a second under load;
    // only the configuration file itself (or Kubernetes' ..data link swap) is worth a look.
    private void OnEvent(object sender, FileSystemEventArgs e)
    {
        if (e.Name is { } name && (name == _fileName || name.StartsWith("..", StringComparison.Ordinal)))
        {
            Schedule();
        }
    }

    private void Schedule() => _timer.Change(Debounce, Timeout.InfiniteTimeSpan);

    /// <summary>Reads, validates and swaps in the file now.</summary>
    public bool ReloadNow()
    {
        lock (_lock)
        {
            var text = TryRead();
            if (text is null || text == _lastText)
            {
                return false;
            }

            _lastText = text;
            var result = ConfigLoader.Parse(text, _path);
            if (result.Config is not { } config)
            {
                GatewayLog.ConfigReloadRejected(_logger, _path, string.Join(Environment.NewLine, result.Errors));
                Reloaded?.Invoke(false);
                return false;
            }

            config = config with { SourcePath = _path };
            if (Registry?.Check(config) is { } registry)
            {
                if (registry.Errors.Count > 0)
                {
                    GatewayLog.ConfigReloadRejected(_logger, _path, string.Join(Environment.NewLine, registry.Errors));
                    Reloaded?.Invoke(false);
                    return false;
                }

                foreach (var warning in registry.Warnings)
                {
                    GatewayLog.RegistryWarning(_logger, warning);
                }
            }

            foreach (var note in _runtime.Reload(config))
            {
                GatewayLog.ConfigReloadNote(_logger, note);
            }

            GatewayLog.ConfigReloaded(_logger, _path, _runtime.Generation, config.Routes.Length, config.Deployments.Length);
            Reloaded?.Invoke(true);
            return true;
        }
    }

    private string? TryRead()
    {
        try
        {
            return File.ReadAllText(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Mid-rename, or briefly missing: the next event reads it.
            return null;
        }
    }

    public void Dispose()
    {
        _watcher.Dispose();
        _hangup?.Dispose();
        _timer.Dispose();
    }
}
