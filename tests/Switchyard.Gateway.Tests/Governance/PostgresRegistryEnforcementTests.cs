using Switchyard.Storage.Tests.Internal;

namespace Switchyard.Gateway.Tests.Governance;

public sealed class PostgresRegistryEnforcementTests() : RegistryEnforcementTests(new PostgresHarness());
