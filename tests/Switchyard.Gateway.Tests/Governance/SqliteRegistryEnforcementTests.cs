using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Governance;

public sealed class SqliteRegistryEnforcementTests() : RegistryEnforcementTests(new SqliteHarness());
