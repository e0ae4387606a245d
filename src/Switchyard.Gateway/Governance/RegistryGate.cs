using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Internal;
using Switchyard.Storage.Models;
using Switchyard.Storage.Sqlite;

namespace Switchyard.Gateway.Governance;

/// <summary>
/// Serves only approved models. At configuration load (startup and every reload) a deployment whose registry model is not
/// approved is an error (<c>registry.enforce: on</c>) or a warning (<c>warn</c>); afterwards the registry's statuses are
/// read every second, and a deployment whose model was revoked (or otherwise left <c>approved</c>) is marked withdrawn:
/// the forwarder skips it as it skips an open circuit, so new requests go to the next deployment or tier while requests
/// already streaming from it finish.
/// </summary>
internal sealed class RegistryGate : IDisposable
{
    /// <summary>How often the statuses are read: revocation reaches routing within this.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly SqliteModelStore _store;
    private readonly GatewayRuntime _runtime;
    private readonly ILogger _logger;
    private readonly ITimer _timer;

    public RegistryGate(SqliteModelStore store, GatewayRuntime runtime, TimeProvider time, ILogger logger)
    {
        _store = store;
        _runtime = runtime;
        _logger = logger;
        Refresh();
        _timer = time.CreateTimer(_ => Refresh(), null, RefreshInterval, RefreshInterval);
    }

    /// <summary>
    /// The problems with <paramref name="config"/>'s deployments against the registry's statuses: errors (enforced) and
    /// warnings (deprecated models; everything in warn-only mode).
    /// </summary>
    public static (List<ConfigError> Errors, List<string> Warnings) Check(GatewayConfig config, IReadOnlyDictionary<string, ModelStatus> statuses)
    {
        var errors = new List<ConfigError>();
        var warnings = new List<string>();
        var mode = config.Registry.Enforcement;
        if (mode == RegistryEnforcement.Off)
        {
            return (errors, warnings);
        }

        var file = config.SourcePath is { } path ? Path.GetFileName(path) : "(configuration)";
        foreach (var deployment in config.Deployments)
        {
            var key = $"deployments.{deployment.Name}.registry_model";
            string? problem = null;
            if (deployment.RegistryModel is not { } id)
            {
                if (deployment.Hosting == Hosting.SelfHosted)
                {
                    problem = "is missing: a self-hosted deployment must name the registry model it serves, and the registry is enforced. "
                        + "Register it (`switchyard models add --from-dir PATH`), have it approved, and write registry_model: ID; or set registry.enforce: warn while migrating.";
                }
            }
            else if (!statuses.TryGetValue(id, out var status))
            {
                problem = $"names '{id}', which is not in the registry. `switchyard models list` shows the registered models; `switchyard models add --from-dir PATH --id {id}` registers it.";
            }
            else if (status == ModelStatus.Deprecated)
            {
                warnings.Add($"{file}: {key}: '{id}' is deprecated in the registry: plan to move deployment '{deployment.Name}' to another model.");
            }
            else if (status != ModelStatus.Approved)
            {
                problem = $"names '{id}', which is {SqliteModelStore.StatusWord(status)} in the registry, not approved: only approved models are served. "
                    + (status is ModelStatus.Proposed or ModelStatus.Scanned ? $"`switchyard models check {id}` says what the approval needs." : "Choose another model.");
            }

            if (problem is null)
            {
                continue;
            }

            if (mode == RegistryEnforcement.On)
            {
                errors.Add(new ConfigError(file, deployment.Line, deployment.Line > 0 ? 3 : 0, key, problem));
            }
            else
            {
                warnings.Add($"{file}: {key}: {problem} (registry.enforce: warn: served anyway)");
            }
        }

        return (errors, warnings);
    }

    /// <summary>The problems with a configuration about to be loaded, against the statuses now.</summary>
    public (List<ConfigError> Errors, List<string> Warnings) Check(GatewayConfig config) => Check(config, _store.Statuses());

    /// <summary>Reads the statuses and marks the current deployments withdrawn or not. Never throws: a store that cannot be read keeps the last marks.</summary>
    public void Refresh()
    {
        IReadOnlyDictionary<string, ModelStatus> statuses;
        try
        {
            statuses = _store.Statuses();
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            GatewayLog.RegistryUnreadable(_logger, e.Message);
            return;
        }

        var snapshot = _runtime.Current;
        var enforced = snapshot.Config.Registry.Enforcement == RegistryEnforcement.On;
        foreach (var deployment in snapshot.Routes.Deployments)
        {
            var id = deployment.Config.RegistryModel;
            var servable = !enforced || id is null
                || (statuses.TryGetValue(id, out var status) && status is ModelStatus.Approved or ModelStatus.Deprecated);
            if (deployment.Withdrawn != !servable)
            {
                deployment.Withdrawn = !servable;
                if (!servable)
                {
                    GatewayLog.DeploymentWithdrawn(_logger, deployment.Name, id!, statuses.TryGetValue(id!, out var s) ? SqliteModelStore.StatusWord(s) : "not in the registry");
                }
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
