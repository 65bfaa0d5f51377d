using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Commerce;

// The ledger's tests against a real PostgreSQL server (PostgresServer), one fresh database per test.

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL";
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCouponClaimTests(PostgresServer server) : CouponClaimTests
{
    protected override async Task<ITestLedger> CreateLedgerAsync() => await server.CreateLedgerAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresCouponConcurrencyTests(PostgresServer server, ITestOutputHelper output) : CouponConcurrencyTests(output)
{
    protected override async Task<ITestLedger> CreateLedgerAsync() => await server.CreateLedgerAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresGiftLedgerTests(PostgresServer server, ITestOutputHelper output) : GiftLedgerTests(output)
{
    protected override async Task<ITestLedger> CreateLedgerAsync() => await server.CreateLedgerAsync();
}
