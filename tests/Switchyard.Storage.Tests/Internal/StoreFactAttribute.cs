using Xunit.Sdk;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>
/// A fact of the store suite, which runs once per store: in a class whose name starts with <c>Postgres</c> it is reported
/// as skipped when <c>SWITCHYARD_TEST_POSTGRES=skip</c> (and fails, saying how to run it, when no server is given at all).
/// </summary>
[XunitTestCaseDiscoverer("Switchyard.Storage.Tests.Internal.StoreFactDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;
