using Microsoft.Extensions.Logging;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Diagnostics;
using Switchyard.Gateway.Internal;
using Switchyard.Registry.Workflow;
using Switchyard.Storage.Models;

namespace Switchyard.Gateway.Governance;

/// <summary>
/// Serves only approved models. At configuration load (startup and every reload) a deployment whose registry model is not
/// approved is an error (<c>registry.enforce: on</c>) or a warning (<c>warn</c>); afterwards the registry's statuses are
/// read every second, and a deployment whose model was revoked (or otherwise left <c>approved</c>) is marked withdrawn:
/// the forwarder skips it as it skips an open circuit, so new requests go to the next deployment or tier while requests
/// already streaming from it finish. On PostgreSQL a registry decision's notification reads them at once
/// (<see cref="RefreshSoon"/>), and the one-second read stays as the fallback.
/// </summary>
internal sealed class RegistryGate : IDisposable
{
    /// <summary>How often the statuses are read: revocation reaches routing within this.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(1);

    private readonly IModelStore _store;
    private readonly GatewayRuntime _runtime;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string?> _warned = new(StringComparer.Ordinal);

    public RegistryGate(IModelStore store, GatewayRuntime runtime, TimeProvider time, ILogger logger)
    {
        _store = store;
        _runtime = runtime;
        _logger = logger;
        Refresh();
        _timer = time.CreateTimer(_ => Refresh(), null, RefreshInterval, RefreshInterval);
    }

    /// <summary>
    /// The problems with <paramref name="config"/>'s deployments against the registry's standings: errors (enforced) and
    /// warnings (deprecated models; everything in warn-only mode).
    /// </summary>
    /// <param name="config">The configuration about to be loaded.</param>
    /// <param name="standings">Every registry model's standing now.</param>
    /// <param name="find">The registry's record of a model, for the deployments whose <c>registry_manifest</c> is checked.</param>
    public static (List<ConfigError> Errors, List<string> Warnings) Check(GatewayConfig config, IReadOnlyDictionary<string, ModelStanding> standings, Func<string, ModelRecord?> find)
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
            else if (!standings.TryGetValue(id, out var standing))
            {
                problem = $"names '{id}', which is not in the registry. `switchyard models list` shows the registered models; `switchyard models add --from-dir PATH --id {id}` registers it.";
            }
            else if (standing.Withheld is { } withheld)
            {
                problem = $"names '{id}', which {withheld}.";
            }
            else if (standing.Status == ModelStatus.Deprecated)
            {
                warnings.Add($"{file}: {key}: '{id}' is deprecated in the registry: plan to move deployment '{deployment.Name}' to another model.");
            }
            else if (standing.Status != ModelStatus.Approved)
            {
                problem = $"names '{id}', which is {ModelStatusWords.Word(standing.Status)} in the registry, not approved: only approved models are served. "
                    + (standing.Status is ModelStatus.Proposed or ModelStatus.Scanned ? $"`switchyard models check {id}` says what the approval needs." : "Choose another model.");
            }
            else if (deployment.RegistryManifest is { } manifest && find(id) is { } model)
            {
                key = $"deployments.{deployment.Name}.registry_manifest";
                problem = ManifestProblem(id, model, manifest);
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

    /// <summary>The problems with a configuration about to be loaded, against the registry now.</summary>
    public (List<ConfigError> Errors, List<string> Warnings) Check(GatewayConfig config) => Check(config, ModelRegistry.Standings(_store), _store.Find);

    /// <summary>What is wrong with a deployment's manifest against the files approved for its model, or <see langword="null"/>.</summary>
    private static string? ManifestProblem(string id, ModelRecord model, string manifest)
    {
        var result = ApprovedFiles.VerifyManifest(model, manifest).Result;
        if (result.Errors.Count > 0)
        {
            return $"{string.Join("; ", result.Errors)}. Write it with `switchyard scan DIR --manifest FILE` on the model server, or remove registry_manifest.";
        }

        if (result.Differences.Count == 0)
        {
            return null;
        }

        var shown = result.Differences.Take(5).Select(d => $"{d.KindWord}: {d.Path} ({d.Detail})");
        return $"{manifest} lists other files than the registry approved for '{id}': {string.Join("; ", shown)}{(result.Differences.Count > 5 ? $"; and {result.Differences.Count - 5} more" : "")}. "
            + $"Deploy the approved files (`switchyard models verify {id} --manifest {manifest}` lists every difference), or register the new ones under a new id.";
    }

    /// <summary>
    /// Reads the registry and marks the current deployments withdrawn or not (enforced), or warns once about each
    /// deployment that serves a model it should not (warn-only). Never throws: a store that cannot be read keeps the last marks.
    /// </summary>
    public void Refresh()
    {
        IReadOnlyDictionary<string, ModelStanding> standings;
        try
        {
            standings = ModelRegistry.Standings(_store);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or IOException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            GatewayLog.RegistryUnreadable(_logger, e.Message);
            return;
        }

        lock (_lock)
        {
            var snapshot = _runtime.Current;
            var mode = snapshot.Config.Registry.Enforcement;
            foreach (var deployment in snapshot.Routes.Deployments)
            {
                var problem = deployment.Config.RegistryModel is { } id && mode != RegistryEnforcement.Off ? Problem(id, standings) : null;
                if (mode == RegistryEnforcement.On)
                {
                    if (deployment.Withdrawn != (problem is not null))
                    {
                        deployment.Withdrawn = problem is not null;
                        if (problem is not null)
                        {
                            GatewayLog.DeploymentWithdrawn(_logger, deployment.Name, deployment.Config.RegistryModel!, problem);
                        }
                    }

                    continue;
                }

                deployment.Withdrawn = false;
                // Warn-only: served anyway, and said once for each new reason, not every second.
                if (problem is not null && _warned.GetValueOrDefault(deployment.Name) != problem)
                {
                    GatewayLog.DeploymentServedUnapproved(_logger, deployment.Name, deployment.Config.RegistryModel!, problem);
                }

                _warned[deployment.Name] = problem;
            }
        }
    }

    /// <summary>Why a deployment of <paramref name="id"/> may not be served, as words that follow the id, or <see langword="null"/> when it may.</summary>
    private static string? Problem(string id, IReadOnlyDictionary<string, ModelStanding> standings) =>
        !standings.TryGetValue(id, out var standing) ? "is not in the registry"
        : standing.Withheld ?? (standing.Servable ? null : $"is {ModelStatusWords.Word(standing.Status)} in the registry");

    /// <summary>
    /// Reads the registry again soon, on the thread pool: what a change notification from another instance calls, so that
    /// a revoked model leaves routing now rather than at the next second's read (which stays as the fallback).
    /// </summary>
    public void RefreshSoon() => ThreadPool.UnsafeQueueUserWorkItem(static gate => gate.Refresh(), this, preferLocal: false);

    public void Dispose() => _timer.Dispose();
}
