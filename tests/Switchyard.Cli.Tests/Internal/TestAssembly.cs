// The linked store harness (../Switchyard.Storage.Tests/Internal) names its discoverer's assembly through this.
namespace Switchyard.Storage.Tests.Internal;

/// <summary>This test assembly's name, for xUnit's discoverer attributes.</summary>
internal static class TestAssembly
{
    public const string Name = "Switchyard.Cli.Tests";
}
