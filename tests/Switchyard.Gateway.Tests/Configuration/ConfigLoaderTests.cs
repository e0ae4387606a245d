using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    private const string FileName = "switchyard.yaml";

    private const string FullYaml = """
        server:
          listen: http://127.0.0.1:9090;http://0.0.0.0:9091
          max_request_body_bytes: 8MiB
        storage:
          kind: sqlite
          path: /var/lib/switchyard/state.db
        request_log:
          enabled: false
          queue_capacity: 2000
          batch_size: 100
          flush_interval: 250ms
        providers:
          local-vllm:
            kind: openai
            base_url: http://127.0.0.1:8000/v1/
            api_key: ${VLLM_API_KEY}
            headers: { X-Org: acme, X-Team: "${TEAM:-platform}" }
          openai:
            kind: openai
            base_url: https://api.openai.com/v1
            api_key: ${OPENAI_API_KEY}
        deployments:
          llama-8b:
            provider: local-vllm
            model: meta-llama/Llama-3.1-8B-Instruct
            context_window: 131072
            hosting: self-hosted
            max_concurrency: 64
            timeouts: { connect: 2s, first_token: 1.5s, total: 5m }
          gpt-4o:
            provider: openai
            model: gpt-4o
            context_window: 128000
            hosting: external
            timeouts:
              total: 1h
        routes:
          chat:
            deployments: [llama-8b, gpt-4o]
          meta-llama/Llama-3.1-8B-Instruct:
            deployments:
              - llama-8b
        """;

    private const string MinimalYaml = """
        providers:
          vllm: { kind: openai, base_url: http://localhost:8000/v1 }
        deployments:
          llama: { provider: vllm, model: llama }
        routes:
          chat: { deployments: [llama] }
        """;

    private static readonly Dictionary<string, string> FullEnvironment = new()
    {
        ["VLLM_API_KEY"] = "vllm-key-0123456789",
        ["OPENAI_API_KEY"] = "sk-proj-abcdefghijklmnopqrstuvwxyz",
    };

    [Fact]
    public void Parse_FullValidFile_RoundTripsIntoRecords()
    {
        var result = Parse(FullYaml, FullEnvironment);

        AssertSucceeded(result);
        var config = result.Config!;
        Assert.Equal("http://127.0.0.1:9090;http://0.0.0.0:9091", config.Server.Listen);
        Assert.Equal(8L * 1024 * 1024, config.Server.MaxRequestBodyBytes);
        Assert.Equal(StorageKind.Sqlite, config.Storage.Kind);
        Assert.Equal("/var/lib/switchyard/state.db", config.Storage.Path);
        Assert.False(config.RequestLog.Enabled);
        Assert.Equal(2000, config.RequestLog.QueueCapacity);
        Assert.Equal(100, config.RequestLog.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.RequestLog.FlushInterval);

        Assert.Equal<string>(["local-vllm", "openai"], config.Providers.Select(p => p.Name));
        var vllm = config.Providers[0];
        Assert.Equal(ProviderKind.OpenAI, vllm.Kind);
        Assert.Equal("http://127.0.0.1:8000/v1", vllm.BaseUrl.ToString());
        Assert.Equal("vllm-key-0123456789", vllm.ApiKey);
        Assert.Equal("acme", vllm.Headers["X-Org"]);
        Assert.Equal("platform", vllm.Headers["x-team"]);
        Assert.Equal("sk-proj-abcdefghijklmnopqrstuvwxyz", config.Providers[1].ApiKey);

        Assert.Equal<string>(["llama-8b", "gpt-4o"], config.Deployments.Select(d => d.Name));
        var llama = config.Deployments[0];
        Assert.Equal("local-vllm", llama.Provider);
        Assert.Equal("meta-llama/Llama-3.1-8B-Instruct", llama.Model);
        Assert.Equal(131072, llama.ContextWindow);
        Assert.Equal(Hosting.SelfHosted, llama.Hosting);
        Assert.Equal(64, llama.MaxConcurrency);
        Assert.Equal(new TimeoutsConfig { Connect = TimeSpan.FromSeconds(2), FirstToken = TimeSpan.FromSeconds(1.5), Total = TimeSpan.FromMinutes(5) }, llama.Timeouts);
        var gpt = config.Deployments[1];
        Assert.Equal(Hosting.External, gpt.Hosting);
        Assert.Null(gpt.MaxConcurrency);
        Assert.Equal(TimeSpan.FromHours(1), gpt.Timeouts.Total);
        Assert.Equal(TimeoutsConfig.Default.Connect, gpt.Timeouts.Connect);

        Assert.Equal<string>(["chat", "meta-llama/Llama-3.1-8B-Instruct"], config.Routes.Select(r => r.Name));
        Assert.Equal<string>(["llama-8b", "gpt-4o"], config.Routes[0].Deployments);
        Assert.Equal<string>(["llama-8b"], config.Routes[1].Deployments);
        Assert.Null(config.SourcePath);
    }

    [Fact]
    public void Parse_MinimalFile_AppliesRecordDefaults()
    {
        var result = Parse(MinimalYaml);

        AssertSucceeded(result);
        var config = result.Config!;
        Assert.Equal(new ServerConfig(), config.Server);
        Assert.Equal(new StorageConfig(), config.Storage);
        Assert.Equal(new RequestLogConfig(), config.RequestLog);
        var provider = Assert.Single(config.Providers);
        Assert.Null(provider.ApiKey);
        Assert.Empty(provider.Headers);
        var deployment = Assert.Single(config.Deployments);
        Assert.Equal(8192, deployment.ContextWindow);
        Assert.Equal(Hosting.SelfHosted, deployment.Hosting);
        Assert.Null(deployment.MaxConcurrency);
        Assert.Equal(TimeoutsConfig.Default, deployment.Timeouts);
    }

    [Fact]
    public void Parse_EmptySections_TakeDefaults()
    {
        var result = Parse($"server:\nstorage: ~\nrequest_log: null\n{MinimalYaml}");

        AssertSucceeded(result);
        Assert.Equal(new ServerConfig(), result.Config!.Server);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_AreResolved()
    {
        const string Yaml = """
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
            deployments:
              a: { provider: vllm, model: a, timeouts: &fast { connect: 1s, first_token: 2s, total: 3s } }
              b: { provider: vllm, model: b, timeouts: *fast }
            routes:
              chat: { deployments: [a, b] }
            """;

        var result = Parse(Yaml);

        AssertSucceeded(result);
        Assert.Equal(TimeSpan.FromSeconds(3), result.Config!.Deployments[1].Timeouts.Total);
    }

    [Fact]
    public void Parse_CrLfLineEndings_ReportSameLines()
    {
        var error = Assert.Single(Parse("server:\r\n  listen: nope\r\n" + MinimalYaml.ReplaceLineEndings("\r\n")).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal(11, error.Column);
    }

    [Fact]
    public void Load_ExistingFile_ReadsItAndSetsSourcePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, MinimalYaml);
        try
        {
            var result = ConfigLoader.Load(path, NoEnvironment);

            AssertSucceeded(result);
            Assert.Equal(Path.GetFullPath(path), result.Config!.SourcePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_NamesPathAndHowToCreateOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "switchyard.yaml");

        var result = ConfigLoader.Load(path, NoEnvironment);

        var error = Assert.Single(result.Errors);
        Assert.False(result.Succeeded);
        Assert.Equal(path, error.File);
        Assert.Equal(0, error.Line);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains($"switchyard demo --write-config {path}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadOrThrow_InvalidFile_ThrowsWithEveryErrorOnItsOwnLine()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "server:\n  listen: nope\nrequest_log:\n  batch_size: 0\n" + MinimalYaml);
        try
        {
            var exception = Assert.Throws<ConfigException>(() => ConfigLoader.LoadOrThrow(path, NoEnvironment));

            Assert.Equal(2, exception.Errors.Length);
            var lines = exception.Message.Split(Environment.NewLine);
            Assert.Equal(2, lines.Length);
            Assert.StartsWith($"{path}:2:11: server.listen: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith($"{path}:4:15: request_log.batch_size: ", lines[1], StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void LoadOrThrow_ValidFile_ReturnsSnapshot()
    {
        var path = Path.Combine(Path.GetTempPath(), $"switchyard-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, MinimalYaml);
        try
        {
            var config = ConfigLoader.LoadOrThrow(path, NoEnvironment);

            Assert.Equal("chat", Assert.Single(config.Routes).Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ConfigError_ToString_HasCompilerShape()
    {
        var error = Assert.Single(Parse("server:\n  listen: nope\n" + MinimalYaml).Errors);

        Assert.StartsWith("switchyard.yaml:2:11: server.listen: 'nope' is not a URL", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    [InlineData("---\n")]
    public void Parse_EmptyFile_ReportsEmpty(string yaml)
    {
        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(0, error.Line);
        Assert.Equal("(file)", error.Key);
        Assert.Contains("the file is empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("- server\n- routes\n", "a list")]
    [InlineData("just some text\n", "'just some text'")]
    public void Parse_RootNotAMapping_ReportsWhatItIs(string yaml, string found)
    {
        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(1, error.Line);
        Assert.Contains("must be a mapping of sections", error.Message, StringComparison.Ordinal);
        Assert.Contains(found, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeveralDocuments_ReportsTheSecond()
    {
        var result = Parse(MinimalYaml + "\n---\nserver: {}\n");

        AssertError(result, 8, "(file)", "Switchyard reads exactly one");
    }

    [Theory]
    [InlineData("server:\n  listen: \"http://127.0.0.1:8080\nroutes: {}\n", 2, "server.listen", "quoted value is never closed")]
    [InlineData("server:\n  listen: http://127.0.0.1:8080\n max_request_body_bytes: 1\n", 3, null, "not indented like the keys above it")]
    [InlineData("server:\n\tlisten: http://127.0.0.1:8080\n", 2, null, "tab")]
    [InlineData("routes:\n  chat: { deployments: [a, b }\n", 2, null, "not closed")]
    [InlineData("routes:\n  chat:\n    deployments: [a, b\n  other: 1\n", 3, null, "unclosed")]
    [InlineData("server:\n  listen: http://a: b\n", 2, null, "put the value in quotes")]
    [InlineData("a: &x 1\nb: *y\n", 2, null, "anchor")]
    public void Parse_YamlSyntaxError_ReportsLineInPlainWords(string yaml, int line, string? key, string fragment)
    {
        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(line, error.Line);
        Assert.True(error.Column > 0);
        if (key is not null)
        {
            Assert.Equal(key, error.Key);
        }

        Assert.StartsWith("YAML syntax error: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("While parsing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKeys_NamesEarlierLineAndKeepsValidating()
    {
        const string Yaml = """
            server:
              listen: http://127.0.0.1:8080
              listen: http://127.0.0.1:9090
            providers:
              vllm: { kind: openai, base_url: http://localhost:8000/v1 }
              vllm: { kind: openai, base_url: http://localhost:9000/v1 }
            deployments:
              llama: { provider: vllm, model: llama, context_window: 0 }
            routes:
              chat: { deployments: [llama] }
            """;

        var result = Parse(Yaml);

        Assert.Equal(3, result.Errors.Length);
        AssertError(result, 3, "server.listen", "already defined on line 2");
        AssertError(result, 6, "providers.vllm", "already defined on line 5");
        AssertError(result, 8, "deployments.llama.context_window", "at least 1");
    }

    [Theory]
    [InlineData("server:\n  listn: http://127.0.0.1:8080\n", 2, "server.listn", "Did you mean 'listen'?")]
    [InlineData("request_log:\n  batchSize: 10\n", 2, "request_log.batchSize", "Did you mean 'batch_size'?")]
    [InlineData("serverr: {}\n", 1, "serverr", "Did you mean 'server'?")]
    [InlineData("server:\n  port: 8080\n", 2, "server.port", "Valid keys here: 'listen', 'max_request_body_bytes', 'tls'.")]
    public void Parse_UnknownKey_SuggestsClosestAndListsValidKeys(string yaml, int line, string key, string fragment)
    {
        var result = Parse(yaml + MinimalYaml);

        var error = Assert.Single(result.Errors);
        Assert.Equal(line, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains($"unknown key '{key.Split('.')[^1]}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownKeyInDeployment_SuggestsClosest()
    {
        var result = Parse(MinimalYaml.Replace("model: llama }", "model: llama, max-concurrency: 4 }", StringComparison.Ordinal));

        AssertError(result, 4, "deployments.llama.max-concurrency", "Did you mean 'max_concurrency'?");
    }

    [Theory]
    [InlineData("server:\n  - listen\n", "server", "expected a mapping (key: value pairs) but found a list")]
    [InlineData("storage: sqlite\n", "storage", "expected a mapping (key: value pairs) but found 'sqlite'")]
    [InlineData("request_log:\n  queue_capacity: [1]\n", "request_log.queue_capacity", "expected a whole number but found a list")]
    [InlineData("request_log:\n  queue_capacity: lots\n", "request_log.queue_capacity", "expected a whole number (without quotes or units) but found 'lots'")]
    [InlineData("request_log:\n  batch_size: 1.5\n", "request_log.batch_size", "expected a whole number but found '1.5'")]
    [InlineData("request_log:\n  enabled: yes\n", "request_log.enabled", "expected true or false")]
    public void Parse_WrongType_SaysWhatWasExpectedAndFound(string yaml, string key, string fragment)
    {
        var error = Assert.Single(Parse(yaml + MinimalYaml).Errors);

        Assert.Equal(key, error.Key);
        Assert.Equal(yaml.Count(c => c == '\n'), error.Line);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ListWhereProvidersMappingNeeded_ReportsType()
    {
        var result = Parse("providers:\n  - vllm\ndeployments: {}\nroutes:\n  chat: { deployments: [a] }\n");

        AssertError(result, 2, "providers", "expected a mapping of names to settings but found a list");
    }

    [Theory]
    [InlineData("request_log:\n  queue_capacity: 0\n", "request_log.queue_capacity", "must be at least 1, but is 0")]
    [InlineData("request_log:\n  batch_size: -5\n", "request_log.batch_size", "must be at least 1, but is -5")]
    [InlineData("server:\n  max_request_body_bytes: 0\n", "server.max_request_body_bytes", "must be at least 1 byte")]
    [InlineData("request_log:\n  queue_capacity: 99999999999\n", "request_log.queue_capacity", "must be at least 1, but is 99999999999")]
    public void Parse_OutOfRangeNumber_ReportsRange(string yaml, string key, string fragment)
    {
        var error = Assert.Single(Parse(yaml + MinimalYaml).Errors);

        Assert.Equal(key, error.Key);
        Assert.Equal(2, error.Line);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("context_window: 0", "deployments.llama.context_window", "must be at least 1, but is 0")]
    [InlineData("max_concurrency: 0", "deployments.llama.max_concurrency", "must be at least 1, but is 0")]
    public void Parse_OutOfRangeDeploymentNumber_ReportsRange(string setting, string key, string fragment)
    {
        var result = Parse(MinimalYaml.Replace("model: llama }", $"model: llama, {setting} }}", StringComparison.Ordinal));

        AssertError(result, 4, key, fragment);
        Assert.Single(result.Errors);
    }

    [Fact]
    public void Parse_BatchSizeAboveQueueCapacity_ReportsBoth()
    {
        var error = Assert.Single(Parse("request_log:\n  queue_capacity: 100\n  batch_size: 200\n" + MinimalYaml).Errors);

        Assert.Equal(3, error.Line);
        Assert.Equal("request_log.batch_size", error.Key);
        Assert.Contains("must be at most queue_capacity (100), but is 200", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BatchSizeAboveDefaultQueueCapacity_SaysItIsTheDefault()
    {
        var error = Assert.Single(Parse("request_log:\n  batch_size: 20000\n" + MinimalYaml).Errors);

        Assert.Contains("queue_capacity (10000 (the default))", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("4194304", 4194304L)]
    [InlineData("4MiB", 4194304L)]
    [InlineData("512KiB", 524288L)]
    [InlineData("1MB", 1000000L)]
    [InlineData("1.5 MiB", 1572864L)]
    [InlineData("1GiB", 1073741824L)]
    public void Parse_Size_AcceptsIntegersAndUnits(string text, long expected)
    {
        var result = Parse($"server:\n  max_request_body_bytes: {text}\n{MinimalYaml}");

        AssertSucceeded(result);
        Assert.Equal(expected, result.Config!.Server.MaxRequestBodyBytes);
    }

    [Theory]
    [InlineData("4 megabytes", "is not a size")]
    [InlineData("0.5B", "is not a whole number of bytes")]
    public void Parse_InvalidSize_SaysWhatIsValid(string text, string fragment)
    {
        var error = Assert.Single(Parse($"server:\n  max_request_body_bytes: {text}\n{MinimalYaml}").Errors);

        Assert.Equal("server.max_request_body_bytes", error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    public void Parse_Duration_AcceptsUnits(string text, int milliseconds)
    {
        var result = Parse($"request_log:\n  flush_interval: {text}\n{MinimalYaml}");

        AssertSucceeded(result);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), result.Config!.RequestLog.FlushInterval);
    }

    [Theory]
    [InlineData("500", "'500' has no unit; write 500ms or 500s")]
    [InlineData("5 minutes", "is not a duration; write a number and a unit: ms, s, m or h")]
    [InlineData("0s", "must be longer than zero")]
    [InlineData("-1s", "must be longer than zero")]
    public void Parse_InvalidDuration_SaysWhatIsValid(string text, string fragment)
    {
        var error = Assert.Single(Parse($"request_log:\n  flush_interval: {text}\n{MinimalYaml}").Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("request_log.flush_interval", error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownProviderKind_ListsValidKinds()
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("kind: openai", "kind: opneai", StringComparison.Ordinal)).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("providers.vllm.kind", error.Key);
        Assert.Contains("'opneai' is not valid. Did you mean 'openai'? Valid values: 'openai', 'anthropic', 'azure-openai'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ProviderWithoutKindOrBaseUrl_ReportsBothMissing()
    {
        var result = Parse(MinimalYaml.Replace("{ kind: openai, base_url: http://localhost:8000/v1 }", "{}", StringComparison.Ordinal));

        Assert.Equal(2, result.Errors.Length);
        AssertError(result, 2, "providers.vllm.kind", "missing. Add kind: openai");
        AssertError(result, 2, "providers.vllm.base_url", "missing. Add the API's URL");
    }

    [Theory]
    [InlineData("localhost:8000/v1", "it needs http:// or https:// in front")]
    [InlineData("ftp://models.example.com/v1", "is not an absolute http or https URL")]
    [InlineData("/v1", "is not an absolute http or https URL")]
    [InlineData("http://localhost:8000/v1?x=1", "has a query")]
    public void Parse_InvalidBaseUrl_SaysWhatIsValid(string url, string fragment)
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("http://localhost:8000/v1", url, StringComparison.Ordinal)).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("providers.vllm.base_url", error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Contains("https://api.openai.com/v1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:8000/v1/", "http://localhost:8000/v1")]
    [InlineData("http://localhost:8000/v1//", "http://localhost:8000/v1")]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1")]
    public void Parse_BaseUrl_TrailingSlashNormalisedAway(string url, string expected)
    {
        var result = Parse(MinimalYaml.Replace("http://localhost:8000/v1", url, StringComparison.Ordinal));

        AssertSucceeded(result);
        Assert.Equal(expected, result.Config!.Providers[0].BaseUrl.ToString());
    }

    [Fact]
    public void Parse_BaseUrlFromEnvironment_IsSubstituted()
    {
        var result = Parse(
            MinimalYaml.Replace("http://localhost:8000/v1", "\"${VLLM_URL:-http://localhost:8000/v1}\"", StringComparison.Ordinal),
            new() { ["VLLM_URL"] = "http://gpu-box:8000/v1" });

        AssertSucceeded(result);
        Assert.Equal("http://gpu-box:8000/v1", result.Config!.Providers[0].BaseUrl.ToString());
    }

    [Theory]
    [InlineData("sk-proj-1234567890abcdefghijklmnopqrstuvwxyz", "a 44-character value starting with 'sk-'")]
    [InlineData("hunter2", "a 7-character value)")]
    [InlineData("Bearer ${OPENAI_API_KEY}", "a 24-character value starting with 'Bea'")]
    public void Parse_InlineApiKey_ReportsWithoutRevealingIt(string secret, string description)
    {
        var yaml = MinimalYaml.Replace("base_url: http://localhost:8000/v1 }", $"base_url: http://localhost:8000/v1, api_key: \"{secret}\" }}", StringComparison.Ordinal);

        var error = Assert.Single(Parse(yaml, new() { ["OPENAI_API_KEY"] = "x" }).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("providers.vllm.api_key", error.Key);
        Assert.Contains(description, error.Message, StringComparison.Ordinal);
        Assert.Contains("secrets must not live in configuration files", error.Message, StringComparison.Ordinal);
        Assert.Contains("api_key: ${VLLM_API_KEY}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ApiKeyVariableUnset_NamesVariableAndHowToSetIt()
    {
        var error = Assert.Single(Parse(FullYaml, new() { ["OPENAI_API_KEY"] = "sk-x" }).Errors);

        Assert.Equal(16, error.Line);
        Assert.Equal("providers.local-vllm.api_key", error.Key);
        Assert.Contains("the environment variable VLLM_API_KEY is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("export VLLM_API_KEY=", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ApiKeyVariableEmpty_CountsAsUnset()
    {
        var result = Parse(FullYaml, new() { ["VLLM_API_KEY"] = "", ["OPENAI_API_KEY"] = "sk-x" });

        AssertError(result, 16, "providers.local-vllm.api_key", "VLLM_API_KEY is not set (or is empty)");
    }

    [Theory]
    [InlineData("${KEY:-fallback}", null, "fallback")]
    [InlineData("${KEY:-fallback}", "from-env", "from-env")]
    [InlineData("${KEY:-}", null, null)]
    [InlineData("${KEY}", "from-env", "from-env")]
    public void Parse_ApiKeyReference_IsSubstituted(string reference, string? value, string? expected)
    {
        var yaml = MinimalYaml.Replace("base_url: http://localhost:8000/v1 }", $"base_url: http://localhost:8000/v1, api_key: \"{reference}\" }}", StringComparison.Ordinal);
        var environment = new Dictionary<string, string>();
        if (value is not null)
        {
            environment["KEY"] = value;
        }

        var result = Parse(yaml, environment);

        AssertSucceeded(result);
        Assert.Equal(expected, result.Config!.Providers[0].ApiKey);
    }

    [Fact]
    public void Parse_MalformedReference_SaysHowToWriteIt()
    {
        var yaml = MinimalYaml.Replace("base_url: http://localhost:8000/v1 }", "base_url: http://localhost:8000/v1, api_key: \"${MY KEY}\" }", StringComparison.Ordinal);

        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal("providers.vllm.api_key", error.Key);
        Assert.Contains("the reference is malformed; write ${NAME} or ${NAME:-default}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HeaderVariableUnset_NamesVariable()
    {
        var yaml = MinimalYaml.Replace("base_url: http://localhost:8000/v1 }", "base_url: http://localhost:8000/v1, headers: { X-Team: \"${TEAM}\" } }", StringComparison.Ordinal);

        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("providers.vllm.headers.X-Team", error.Key);
        Assert.Contains("the environment variable TEAM is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CredentialHeaderWrittenInline_IsRejected()
    {
        const string Secret = "Bearer sk-live-0123456789abcdef";
        var yaml = MinimalYaml.Replace("base_url: http://localhost:8000/v1 }", $"base_url: http://localhost:8000/v1, headers: {{ Authorization: \"{Secret}\" }} }}", StringComparison.Ordinal);

        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal("providers.vllm.headers.Authorization", error.Key);
        Assert.Contains("secrets must not live in configuration files", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CredentialHeaderFromEnvironment_IsSubstituted()
    {
        var yaml = MinimalYaml.Replace("base_url: http://localhost:8000/v1 }", "base_url: http://localhost:8000/v1, headers: { Authorization: \"Bearer ${TOKEN}\" } }", StringComparison.Ordinal);

        var result = Parse(yaml, new() { ["TOKEN"] = "t0k3n" });

        AssertSucceeded(result);
        Assert.Equal("Bearer t0k3n", result.Config!.Providers[0].Headers["authorization"]);
    }

    [Fact]
    public void Parse_SecretsInFile_NeverAppearInAnyMessage()
    {
        const string ApiKey = "sk-proj-SECRETSECRETSECRET0123456789";
        const string Token = "tok-SECRETSECRETSECRET9876543210";
        const string Password = "pa55-SECRETSECRETSECRET";
        var yaml = $$"""
            providers:
              a:
                kind: openai
                base_url: http://localhost:8000/v1
                api_key: {{ApiKey}}
                headers:
                  X-Api-Key: {{Token}}
              b:
                kind: openai
                base_url: https://user:{{Password}}@api.example.com/v1
                api_key: [{{ApiKey}}]
            deployments:
              d: { provider: a, model: m }
            routes:
              r: { deployments: [d] }
            """;

        var result = Parse(yaml);

        Assert.Equal(4, result.Errors.Length);
        foreach (var error in result.Errors)
        {
            Assert.DoesNotContain("SECRET", error.ToString(), StringComparison.Ordinal);
        }

        var exception = new ConfigException(result.Errors);
        Assert.DoesNotContain("SECRET", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProviderConfig_ToString_RedactsKey()
    {
        var result = Parse(FullYaml, FullEnvironment);

        Assert.DoesNotContain("vllm-key", result.Config!.Providers[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeploymentNamesUnknownProvider_ListsDefinedOnesWithSuggestion()
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("provider: vllm", "provider: vlm", StringComparison.Ordinal)).Errors);

        Assert.Equal(4, error.Line);
        Assert.Equal("deployments.llama.provider", error.Key);
        Assert.Contains("the provider 'vlm' is not defined. Did you mean 'vllm'? Defined providers: 'vllm'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeploymentOfBrokenProvider_ReportsOnlyTheProvider()
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("kind: openai", "kind: grpc", StringComparison.Ordinal)).Errors);

        Assert.Equal("providers.vllm.kind", error.Key);
    }

    [Fact]
    public void Parse_DeploymentWithoutProviderOrModel_ReportsBothMissing()
    {
        var result = Parse(MinimalYaml.Replace("{ provider: vllm, model: llama }", "{ hosting: external }", StringComparison.Ordinal));

        Assert.Equal(2, result.Errors.Length);
        AssertError(result, 4, "deployments.llama.provider", "one of 'vllm'");
        AssertError(result, 4, "deployments.llama.model", "missing");
    }

    [Fact]
    public void Parse_InvalidHosting_ListsValidValues()
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("model: llama }", "model: llama, hosting: selfhosted }", StringComparison.Ordinal)).Errors);

        Assert.Equal("deployments.llama.hosting", error.Key);
        Assert.Contains("Did you mean 'self-hosted'? Valid values: 'self-hosted', 'external'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ connect: 10s, first_token: 5s, total: 5s }", "deployments.llama.timeouts.connect", "connect (10s) is longer than total (5s)")]
    [InlineData("{ first_token: 2m, total: 1m }", "deployments.llama.timeouts.first_token", "first_token (2m) is longer than total (1m)")]
    [InlineData("{ total: 30s }", "deployments.llama.timeouts.first_token", "first_token (1m, the default) is longer than total (30s)")]
    [InlineData("{ connect: 0s }", "deployments.llama.timeouts.connect", "must be longer than zero")]
    [InlineData("{ total: 300 }", "deployments.llama.timeouts.total", "'300' has no unit")]
    public void Parse_InvalidTimeouts_SaysWhatIsValid(string timeouts, string key, string fragment)
    {
        var result = Parse(MinimalYaml.Replace("model: llama }", $"model: llama, timeouts: {timeouts} }}", StringComparison.Ordinal));

        var error = Assert.Single(result.Errors);
        Assert.Equal(4, error.Line);
        Assert.Equal(key, error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RouteNamesUnknownDeployment_ListsDefinedOnesWithSuggestion()
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("deployments: [llama]", "deployments: [lama]", StringComparison.Ordinal)).Errors);

        Assert.Equal(6, error.Line);
        Assert.Equal("routes.chat.deployments[0]", error.Key);
        Assert.Contains("the deployment 'lama' is not defined. Did you mean 'llama'? Defined deployments: 'llama'.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ deployments: [] }", "empty: a route needs at least one deployment")]
    [InlineData("{ deployments: }", "empty: a route needs at least one deployment")]
    [InlineData("{}", "missing: a route needs at least one deployment")]
    [InlineData("{ deployments: llama }", "Write it as a list: deployments: [llama]")]
    [InlineData("[llama]", "expected a mapping but found a list")]
    public void Parse_RouteWithoutDeploymentList_SaysHowToWriteIt(string route, string fragment)
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("{ deployments: [llama] }", route, StringComparison.Ordinal)).Errors);

        Assert.Equal(6, error.Line);
        Assert.StartsWith("routes.chat", error.Key, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SameDeploymentTwiceInRoute_NamesFirstLine()
    {
        var yaml = MinimalYaml.Replace("{ deployments: [llama] }", "\n    deployments:\n      - llama\n      - llama", StringComparison.Ordinal);

        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(9, error.Line);
        Assert.Equal("routes.chat.deployments[1]", error.Key);
        Assert.Contains("'llama' is listed twice in this route (first on line 8)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("routes:", 5)]
    [InlineData("routes: {}", 5)]
    [InlineData("", 0)]
    public void Parse_NoRoutes_IsAnError(string routes, int line)
    {
        var error = Assert.Single(Parse(MinimalYaml.Replace("routes:\n  chat: { deployments: [llama] }", routes, StringComparison.Ordinal)).Errors);

        Assert.Equal(line, error.Line);
        Assert.Equal("routes", error.Key);
        Assert.Contains("no routes are defined", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("providers:\n  \"my vllm\"", "providers.my vllm", "contains whitespace; use '-' or '_' instead, e.g. 'my-vllm'")]
    [InlineData("providers:\n  \"team/vllm\"", "providers.team/vllm", "contains '/', which only route names may contain")]
    [InlineData("providers:\n  \"\"", "providers.", "must not be empty")]
    public void Parse_InvalidProviderName_SaysWhatIsAllowed(string header, string key, string fragment)
    {
        var yaml = MinimalYaml.Replace("providers:\n  vllm", header, StringComparison.Ordinal);

        var result = Parse(yaml);

        AssertError(result, 2, key, fragment);
    }

    [Fact]
    public void Parse_DeploymentNameWithSlash_IsAnError()
    {
        var yaml = MinimalYaml.Replace("  llama: {", "  meta/llama: {", StringComparison.Ordinal).Replace("[llama]", "[meta/llama]", StringComparison.Ordinal);

        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(4, error.Line);
        Assert.Equal("deployments.meta/llama", error.Key);
        Assert.Contains("contains '/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RouteNameWithSlash_IsAllowedButWhitespaceIsNot()
    {
        var yaml = MinimalYaml.Replace("  chat:", "  meta-llama/Llama-3:", StringComparison.Ordinal) + "\n  \"big model\": { deployments: [llama] }\n";

        var error = Assert.Single(Parse(yaml).Errors);

        Assert.Equal(7, error.Line);
        Assert.Equal("routes.big model", error.Key);
        Assert.Contains("contains whitespace", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://*:80;http://0.0.0.0:8443")] // https:// needs server.tls (TlsTests)
    [InlineData("http://[::1]:8080/")]
    [InlineData("http://localhost:0")]
    [InlineData("[http://127.0.0.1:8080, http://127.0.0.1:8081]")]
    public void Parse_ValidListen_IsAccepted(string listen)
    {
        var result = Parse($"server:\n  listen: {listen}\n{MinimalYaml}");

        AssertSucceeded(result);
        Assert.DoesNotContain(' ', result.Config!.Server.Listen);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "has no http://")]
    [InlineData("http://localhost", "has no port")]
    [InlineData("ftp://localhost:21", "only http and https")]
    [InlineData("http://localhost:8080/api", "has a path")]
    [InlineData("http://localhost:99999", "not a number from 0 to 65535")]
    [InlineData("http://127.0.0.1:8080;localhost:9", "'localhost:9' is not a URL")]
    public void Parse_InvalidListen_SaysWhatIsValid(string listen, string fragment)
    {
        var error = Assert.Single(Parse($"server:\n  listen: \"{listen}\"\n{MinimalYaml}").Errors);

        Assert.Equal(2, error.Line);
        Assert.Equal("server.listen", error.Key);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:8080", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownStorageKind_ListsValidKinds()
    {
        var error = Assert.Single(Parse("storage:\n  kind: mysql\n" + MinimalYaml).Errors);

        Assert.Equal("storage.kind", error.Key);
        Assert.Contains("Valid values: 'sqlite', 'postgres'.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ManyErrors_AreAllReportedInLineOrder()
    {
        const string Yaml = """
            server:
              listen: localhost
              max_body: 1
            request_log:
              queue_capacity: 0
              flush_interval: 500
            providers:
              vllm:
                kind: openai
                base_url: not a url
                api_key: sk-abcdefghijklmnopqrstuvwxyz
              openai:
                kind: openai
                base_url: https://api.openai.com/v1
            deployments:
              llama:
                provider: vllm
                model: llama
                hosting: on-prem
              gpt:
                provider: opnai
                model: gpt-4o
                timeouts: { connect: 1m, first_token: 5s, total: 10s }
            routes:
              chat:
                deployments: [llama, gpt, claude, llama]
            """;

        var result = Parse(Yaml);

        Assert.False(result.Succeeded);
        Assert.Null(result.Config);
        var expected = new (int Line, string Key)[]
        {
            (2, "server.listen"),
            (3, "server.max_body"),
            (5, "request_log.queue_capacity"),
            (6, "request_log.flush_interval"),
            (10, "providers.vllm.base_url"),
            (11, "providers.vllm.api_key"),
            (19, "deployments.llama.hosting"),
            (21, "deployments.gpt.provider"),
            (23, "deployments.gpt.timeouts.connect"),
            (26, "routes.chat.deployments[2]"),
            (26, "routes.chat.deployments[3]"),
        };
        Assert.Equal(expected, result.Errors.Select(e => (e.Line, e.Key)));
        Assert.All(result.Errors, e => Assert.Equal(FileName, e.File));
        Assert.All(result.Errors, e => Assert.True(e.Column > 0));
    }

    private static Dictionary<string, string> NoEnvironmentValues => [];

    private static string? NoEnvironment(string name) => null;

    private static ConfigLoadResult Parse(string yaml, Dictionary<string, string>? environment = null)
    {
        var values = environment ?? NoEnvironmentValues;
        return ConfigLoader.Parse(yaml, FileName, name => values.TryGetValue(name, out var value) ? value : null);
    }

    private static void AssertSucceeded(ConfigLoadResult result)
    {
        Assert.True(result.Succeeded, $"expected no errors, got:\n{string.Join('\n', result.Errors)}");
        Assert.NotNull(result.Config);
        Assert.Empty(result.Errors);
    }

    private static void AssertError(ConfigLoadResult result, int line, string key, string fragment)
    {
        Assert.False(result.Succeeded);
        if (!result.Errors.Any(e => e.Line == line && e.Key == key && e.Message.Contains(fragment, StringComparison.Ordinal)))
        {
            Assert.Fail($"expected an error on line {line} at '{key}' containing \"{fragment}\", got:\n{string.Join('\n', result.Errors)}");
        }
    }
}
