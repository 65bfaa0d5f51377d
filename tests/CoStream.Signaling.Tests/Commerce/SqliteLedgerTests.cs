using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Commerce;

// The ledger's tests against SQLite files in temporary directories.

public sealed class SqliteCouponClaimTests : CouponClaimTests
{
    protected override async Task<ITestLedger> CreateLedgerAsync() => await TempLedger.CreateAsync();
}

public sealed class SqliteCouponConcurrencyTests(ITestOutputHelper output) : CouponConcurrencyTests(output)
{
    protected override async Task<ITestLedger> CreateLedgerAsync() => await TempLedger.CreateAsync();
}

public sealed class SqliteGiftLedgerTests(ITestOutputHelper output) : GiftLedgerTests(output)
{
    protected override async Task<ITestLedger> CreateLedgerAsync() => await TempLedger.CreateAsync();
}
