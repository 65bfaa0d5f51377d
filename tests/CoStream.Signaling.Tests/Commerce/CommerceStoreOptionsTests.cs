using CoStream.Signaling.Store;
using Microsoft.Extensions.Configuration;

namespace CoStream.Signaling.Tests.Commerce;

[Collection(PostgresCollection.Name)]
public sealed class CommerceStoreOptionsTests(PostgresServer server)
{
    private static CommerceStoreOptions Bind(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build()
            .GetSection(CommerceStoreOptions.Section).Get<CommerceStoreOptions>() ?? new CommerceStoreOptions();

    [Fact]
    public async Task Default_IsSqlite_AndCreatesTheFileAndItsDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("costream-options-").FullName;
        try
        {
            var options = Bind(new() { ["Commerce:Store:SqlitePath"] = Path.Combine(directory, "nested", "ledger.db") });
            await using (var ledger = await options.OpenLedgerAsync())
            {
                Assert.IsType<SqliteCommerceLedger>(ledger);
                await ledger.RecordGiftAsync("r1", "alice", "rose", 1, "k", 0);
            }
            Assert.True(File.Exists(Path.Combine(directory, "nested", "ledger.db")));
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [Fact]
    public async Task Postgres_ByConfiguration()
    {
        var options = Bind(new()
        {
            ["Commerce:Store:Kind"] = "postgres",
            ["Commerce:Store:PostgresConnectionString"] = server.ConnectionString(await server.CreateDatabaseAsync()),
        });
        await using var ledger = await options.OpenLedgerAsync();

        Assert.IsType<PostgresCommerceLedger>(ledger);
        Assert.False((await ledger.RecordGiftAsync("r1", "alice", "rose", 1, "k", 0)).IsRetry);
    }

    [Theory]
    [InlineData("postgres", null, "PostgresConnectionString is not set")]
    [InlineData("mysql", null, "expected 'sqlite' or 'postgres'")]
    public async Task Misconfiguration_IsAClearError(string kind, string? connectionString, string message)
    {
        var options = new CommerceStoreOptions { Kind = kind, PostgresConnectionString = connectionString };
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => options.OpenLedgerAsync());
        Assert.Contains(message, error.Message);
    }
}
