using Xunit.Abstractions;
using Xunit.Sdk;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipping the PostgreSQL ones when asked to.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var name = testMethod.TestClass.Class.Name;
        var simple = name[(name.LastIndexOf('.') + 1)..];
        return simple.StartsWith("Postgres", StringComparison.Ordinal) && PostgresTestServer.SkipReason is { } reason
            ? new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)
            : base.CreateTestCase(discoveryOptions, testMethod, factAttribute);
    }
}
