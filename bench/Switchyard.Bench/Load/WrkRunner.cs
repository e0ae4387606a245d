using System.Diagnostics;
using System.Globalization;
using System.Text;
using Switchyard.Bench.Processes;
using Switchyard.Bench.Targets;

namespace Switchyard.Bench.Load;

/// <summary>
/// Runs wrk against a target with a Lua script that sets the method, body and headers, and reads its report. Each run is
/// bounded: wrk stops itself after the duration, and is killed if it has not 20 seconds later.
/// </summary>
internal sealed class WrkRunner(string wrkPath, int? core, string scratchDirectory)
{
    private static readonly TimeSpan Overrun = TimeSpan.FromSeconds(20);

    /// <summary>Runs wrk with <paramref name="connections"/> connections (one thread for one, two otherwise).</summary>
    /// <exception cref="InvalidOperationException">wrk failed (the message has its output).</exception>
    public async Task<WrkResult> RunAsync(TargetEndpoint endpoint, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var script = Path.Combine(scratchDirectory, "wrk-request.lua");
        await File.WriteAllTextAsync(script, LuaScript(endpoint), cancellationToken);
        var threads = Math.Min(connections, 2);
        var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        var info = new ProcessStartInfo(core is null ? wrkPath : "taskset")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (core is { } c)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(c.ToString(CultureInfo.InvariantCulture));
            info.ArgumentList.Add(wrkPath);
        }

        foreach (var arg in (string[])[$"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--latency", "-s", script, endpoint.ChatCompletions.ToString()])
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start.");
        ProcessTracker.Add(process);
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(seconds) + Overrun);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                throw new InvalidOperationException($"wrk ran past {seconds} s + {Overrun.TotalSeconds} s and was killed.");
            }

            var output = await stdout + await stderr;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"wrk exited with {process.ExitCode}: {output.Trim()}");
            }

            return WrkOutputParser.Parse(connections, output);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            ProcessTracker.Remove(process);
        }
    }

    /// <summary>The request as wrk sends it.</summary>
    private static string LuaScript(TargetEndpoint endpoint)
    {
        var lua = new StringBuilder();
        lua.Append("wrk.method = \"POST\"\n");
        lua.Append("wrk.body = ").Append(LuaString(endpoint.Body(stream: false))).Append('\n');
        lua.Append("wrk.headers[\"Content-Type\"] = \"application/json\"\n");
        foreach (var (name, value) in endpoint.AllHeaders())
        {
            lua.Append("wrk.headers[").Append(LuaString(name)).Append("] = ").Append(LuaString(value)).Append('\n');
        }

        return lua.ToString();
    }

    /// <summary>A double-quoted Lua string literal.</summary>
    private static string LuaString(string text)
        => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"";
}
