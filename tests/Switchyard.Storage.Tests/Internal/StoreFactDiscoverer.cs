using Xunit.Abstractions;
using Xunit.Sdk;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipping the PostgreSQL ones when asked to.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <summary>Why a test of this method is skipped: a PostgreSQL class (its name starts with Postgres) while the opt-out is set.</summary>
    public static string? SkipReason(ITestMethod testMethod)
    {
        var name = testMethod.TestClass.Class.Name;
        return name[(name.LastIndexOf('.') + 1)..].StartsWith("Postgres", StringComparison.Ordinal) ? PostgresTestServer.SkipReason : null;
    }

    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
        => SkipReason(testMethod) is { } reason
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
}
