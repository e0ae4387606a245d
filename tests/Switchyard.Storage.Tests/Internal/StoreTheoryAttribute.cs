using Xunit.Sdk;

namespace Switchyard.Storage.Tests.Internal;

/// <summary>A theory of the store suite: skipped as a whole, like <see cref="StoreFactAttribute"/>, in a PostgreSQL class when asked to.</summary>
[XunitTestCaseDiscoverer("Switchyard.Storage.Tests.Internal.StoreTheoryDiscoverer", TestAssembly.Name)]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreTheoryAttribute : TheoryAttribute;
