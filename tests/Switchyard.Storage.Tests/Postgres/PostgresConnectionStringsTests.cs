using Switchyard.Storage.Postgres;

namespace Switchyard.Storage.Tests.Postgres;

public sealed class PostgresConnectionStringsTests
{
    [Fact]
    public void Parse_Url_ReadsEveryPart()
    {
        Assert.Null(PostgresConnectionStrings.Parse("postgres://gate%40way:s%3Acret@db.internal:6432/switchyard?sslmode=require&application_name=gw1&connect_timeout=3&search_path=tenant_a", out var builder));

        Assert.Equal(("db.internal", 6432, "switchyard", "gate@way", "s:cret"), (builder!.Host, builder.Port, builder.Database, builder.Username, builder.Password));
        Assert.Equal((Npgsql.SslMode.Require, "gw1", 3, "tenant_a"), (builder.SslMode, builder.ApplicationName, builder.Timeout, builder.SearchPath));
    }

    [Fact]
    public void Parse_Keywords_AreNpgsqls()
    {
        Assert.Null(PostgresConnectionStrings.Parse("Host=db;Database=switchyard;Username=gateway", out var builder));

        Assert.Equal(("db", "switchyard"), (builder!.Host, builder.Database));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("Database=switchyard", "names no host")]
    [InlineData("Hostt=db", "cannot be read")]
    [InlineData("postgres://u:hunter2@db/x?sslmode=sometimes", "sslmode 'sometimes'")]
    [InlineData("postgres://u:hunter2@db/x?pool=5", "'pool' is not one switchyard reads")]
    public void Parse_Invalid_SaysWhyWithoutThePassword(string text, string expected)
    {
        var problem = PostgresConnectionStrings.Parse(text, out var builder);

        Assert.Null(builder);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Sets_TimeoutWrittenByHand_IsKept()
    {
        Assert.True(PostgresConnectionStrings.Sets("Host=db;Timeout=30", "Timeout"));
        Assert.True(PostgresConnectionStrings.Sets("postgres://db/x?connect_timeout=30", "Timeout"));
        Assert.False(PostgresConnectionStrings.Sets("Host=db", "Timeout"));
    }
}
