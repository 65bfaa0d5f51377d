using System.Text.Json.Nodes;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Commerce;
using CoStream.Signaling.Media;
using CoStream.Signaling.Tests.E2E;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CoStream.Signaling.Tests.Rooms;

/// <summary>The room hub's money side through real SignalR clients: gifts, the product shelf, coupons, and their refusals.</summary>
public sealed class RoomCommerceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private CoStreamServer _server = null!;
    private SignalRDriver _driver = null!;

    public async Task InitializeAsync()
    {
        // These tests exercise the commerce rules, not the per-connection call limit (HubGuardTests do): the anchor lists a full shelf in a burst.
        _server = await CoStreamServer.StartAsync("--Rooms:Guard:InvocationsPerSecond=1000", "--Rooms:Guard:InvocationBurst=1000");
        _driver = SignalRDriver.Start();
    }

    public async Task DisposeAsync()
    {
        await _driver.DisposeAsync();
        await _server.DisposeAsync();
    }

    private ICommerceLedger Ledger => _server.Services.GetRequiredService<ICommerceLedger>();
    private SignalingCounters Counters => _server.Services.GetRequiredService<SignalingCounters>();

    private async Task<HubClient> JoinAsync(string room, string participant, ParticipantRole role, params string[] segments)
    {
        var client = await _driver.ConnectAsync(_server.BaseUrl, _server.Token(room, participant, role, segments));
        await client.InvokeAsync("Join", 0);
        return client;
    }

    private static object Product(string id, long price = 1999, string currency = "CNY") =>
        new { id, title = "Silk scarf " + id, priceCents = price, currency, imageUrl = "https://img.example/" + id + ".jpg", stock = 50 };

    [Fact]
    public async Task SendGift_IsDurableBeforeTheAck_CombosCount_AndARetryMakesNoSecondEvent()
    {
        var anchor = await JoinAsync("g1", "anchor", ParticipantRole.Anchor);
        var viewer = await JoinAsync("g1", "viewer", ParticipantRole.Audience);

        var first = (await viewer.InvokeAsync("SendGift", "rose", 3, "k-1"))!;
        var second = (await viewer.InvokeAsync("SendGift", "rose", 2, "k-2"))!;
        Assert.False((bool)first["isRetry"]!);
        Assert.Equal(1, (int)first["comboCount"]!);
        Assert.Equal(2, (int)second["comboCount"]!);
        // The ack came after the commit: the ledger has it now.
        var totals = await Ledger.GetRoomTotalsAsync("g1");
        Assert.Equal(2, totals.GiftSends);
        Assert.Equal(5, totals.GiftUnits);

        var retry = (await viewer.InvokeAsync("SendGift", "rose", 3, "k-1"))!;
        Assert.True((bool)retry["isRetry"]!);
        Assert.Equal((long)first["ledgerSeq"]!, (long)retry["ledgerSeq"]!);
        Assert.Equal(2, (await Ledger.GetRoomTotalsAsync("g1")).GiftSends);

        // The anchor may gift too (e.g. a lucky draw); a marker event proves nothing else was appended after.
        var marker = (await anchor.InvokeAsync("SendGift", "star", 1, "marker"))!;
        var last = await viewer.WaitForEventAsync(e => (string?)e["kind"] == "gift.sent" && (long)e["data"]!["ledgerSeq"]! == (long)marker["ledgerSeq"]!);
        var gifts = viewer.RoomEvents.Where(e => (string?)e["kind"] == "gift.sent").ToList();
        Assert.Equal(3, gifts.Count);
        var g = gifts[1]["data"]!;
        Assert.Equal("viewer", (string?)g["sender"]);
        Assert.Equal("rose", (string?)g["giftId"]);
        Assert.Equal(2, (int)g["count"]!);
        Assert.Equal(2, (int)g["comboCount"]!);
        Assert.Equal(5, (long)g["comboUnits"]!);
        Assert.Equal((long)first["ledgerSeq"]!, (long)g["comboId"]!);
        Assert.Equal("viewer", (string?)gifts[1]["actor"]);
        // The event carries the stamp the ledger stored (taken on arrival).
        var stored = (await Ledger.GetEventsAfterAsync("g1", 0, 10)).Single(e => e.Sequence == (long)second["ledgerSeq"]!);
        Assert.Equal(stored.MediaClockMs, (long)gifts[1]["mediaClockMs"]!);
        Assert.Equal("star", (string?)last["data"]!["giftId"]);
    }

    [Fact]
    public async Task SendGift_RefusesBadArgumentsAndServices()
    {
        var viewer = await JoinAsync("g2", "viewer", ParticipantRole.Audience);
        var service = await JoinAsync("g2", "mixer", ParticipantRole.Service);
        Assert.NotNull(await service.InvokeExpectingErrorAsync("SendGift", "rose", 1, "k"));
        foreach (var args in new object?[][]
                 {
                     ["rose", 0, "k"], ["rose", 10_000, "k"], ["rose", -5, "k"], ["", 1, "k"], [null, 1, "k"],
                     ["rose/../x", 1, "k"], [new string('g', 129), 1, "k"], ["rose", 1, ""], ["rose", 1, null],
                     ["rose", 1, new string('k', 129)], ["rose", 1, "key with spaces"], ["rose", 1, "ключ"],
                 })
        {
            var error = await viewer.InvokeExpectingErrorAsync("SendGift", args);
            output.WriteLine($"{string.Join(", ", args.Select(a => a?.ToString()?.Length > 20 ? a.ToString()![..20] + "…" : a))} → {error}");
            Assert.NotNull(error);
        }
        // Wrong argument types and counts are refused by SignalR's binder; the connection survives them.
        Assert.NotNull(await viewer.InvokeExpectingErrorAsync("SendGift", "rose", "many", "k"));
        Assert.NotNull(await viewer.InvokeExpectingErrorAsync("SendGift", "rose", 1));
        Assert.Equal(0, (await Ledger.GetRoomTotalsAsync("g2")).GiftSends);
        Assert.Equal(1, Counters.Get("hub.role"));
        Assert.Equal(12, Counters.Get("hub.argument"));
        Assert.Equal(1, (int)(await viewer.InvokeAsync("SendGift", "rose", 1, "ok"))!["comboCount"]!);
    }

    [Fact]
    public async Task Shelf_ListPinReplaceUnpinRemove_AreEventsAndJoinState()
    {
        var anchor = await JoinAsync("s1", "anchor", ParticipantRole.Anchor);
        var viewer = await JoinAsync("s1", "viewer", ParticipantRole.Audience);
        await anchor.InvokeAsync("ListProduct", Product("p1"));
        await anchor.InvokeAsync("ListProduct", Product("p2", 5000));
        await anchor.InvokeAsync("PinProduct", "p1");
        await anchor.InvokeAsync("PinProduct", "p2"); // replaces p1
        await anchor.InvokeAsync("ListProduct", Product("p2", 4500)); // a price change replaces the listing

        var late = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("s1", "late", ParticipantRole.Audience));
        var state = (await late.InvokeAsync("Join", 0))!["state"]!;
        Assert.Equal(["p1", "p2"], state["shelf"]!.AsArray().Select(p => (string)p!["id"]!));
        Assert.Equal("p2", (string?)state["pinnedProduct"]!["id"]);
        Assert.Equal(4500, (long)state["pinnedProduct"]!["priceCents"]!);

        Assert.True((bool)(await anchor.InvokeAsync("UnpinProduct"))!);
        Assert.False((bool)(await anchor.InvokeAsync("UnpinProduct"))!); // nothing pinned: no event
        await anchor.InvokeAsync("PinProduct", "p1");
        await anchor.InvokeAsync("RemoveProduct", "p1"); // the pinned one: unpinned, then removed
        await viewer.WaitForEventAsync("product.removed");
        var kinds = viewer.RoomEvents.Select(e => (string)e["kind"]!).Where(k => k.StartsWith("product.")).ToList();
        Assert.Equal(["product.listed", "product.listed", "product.pinned", "product.pinned", "product.listed",
            "product.unpinned", "product.pinned", "product.unpinned", "product.removed"], kinds);
        var pinned2 = viewer.RoomEvents.Where(e => (string?)e["kind"] == "product.pinned").ElementAt(1)["data"]!;
        Assert.Equal("p1", (string?)pinned2["replaced"]);
        Assert.Equal("Silk scarf p2", (string?)pinned2["product"]!["title"]);

        var after = (await (await _driver.ConnectAsync(_server.BaseUrl, _server.Token("s1", "later", ParticipantRole.Audience)))
            .InvokeAsync("Join", 0))!["state"]!;
        Assert.Equal(["p2"], after["shelf"]!.AsArray().Select(p => (string)p!["id"]!));
        Assert.Null(after["pinnedProduct"]);
    }

    [Fact]
    public async Task Shelf_RefusesOtherRolesBadProductsUnknownIdsAndAFullShelf()
    {
        var anchor = await JoinAsync("s2", "anchor", ParticipantRole.Anchor);
        await anchor.InvokeAsync("ListProduct", Product("p1"));
        foreach (var role in new[] { ParticipantRole.Audience, ParticipantRole.Guest, ParticipantRole.Service })
        {
            var other = await JoinAsync("s2", "x-" + role, role);
            Assert.NotNull(await other.InvokeExpectingErrorAsync("ListProduct", Product("p9")));
            Assert.NotNull(await other.InvokeExpectingErrorAsync("PinProduct", "p1"));
            Assert.NotNull(await other.InvokeExpectingErrorAsync("UnpinProduct"));
            Assert.NotNull(await other.InvokeExpectingErrorAsync("RemoveProduct", "p1"));
            Assert.NotNull(await other.InvokeExpectingErrorAsync("DropCoupon", "c1", 10, 0, 60, null));
        }
        Assert.Equal(15, Counters.Get("hub.role"));
        // Another room's anchor acts only in its own room: p1 is not on its shelf.
        var otherAnchor = await JoinAsync("s3", "anchor", ParticipantRole.Anchor);
        Assert.NotNull(await otherAnchor.InvokeExpectingErrorAsync("PinProduct", "p1"));

        object[] bad =
        [
            new { id = "", title = "t", priceCents = 1, currency = "CNY" },
            new { id = "p", title = "", priceCents = 1, currency = "CNY" },
            new { id = "p", title = new string('t', 201), priceCents = 1, currency = "CNY" },
            new { id = "p", title = "line\nbreak", priceCents = 1, currency = "CNY" },
            new { id = "p", title = "t", priceCents = -1, currency = "CNY" },
            new { id = "p", title = "t", currency = "CNY" },
            new { id = "p", title = "t", priceCents = 1, currency = "yuan" },
            new { id = "p", title = "t", priceCents = 1, currency = "CNY", imageUrl = "javascript:alert(1)" },
            new { id = "p", title = "t", priceCents = 1, currency = "CNY", imageUrl = "https://x/" + new string('a', 1100) },
            new { id = "p", title = "t", priceCents = 1, currency = "CNY", stock = -3 },
        ];
        foreach (var product in bad) Assert.NotNull(await anchor.InvokeExpectingErrorAsync("ListProduct", product));
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("ListProduct", [null]));
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("ListProduct", "not an object"));
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("PinProduct", "nope"));
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("RemoveProduct", "nope"));
        Assert.True(Counters.Get("hub.argument") >= bad.Length + 1);
        Assert.Equal(3, Counters.Get("hub.product.unknown"));

        var max = _server.Services.GetRequiredService<CommerceOptions>().MaxProducts;
        for (var i = 2; i <= max; i++) await anchor.InvokeAsync("ListProduct", Product("p" + i));
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("ListProduct", Product("one-too-many")));
        await anchor.InvokeAsync("ListProduct", Product("p7", 1)); // replacing a listed one still works when full
        Assert.Equal(1, Counters.Get("hub.shelf.full"));
    }

    [Fact]
    public async Task Coupons_DropClaimAndEveryRefusal()
    {
        var anchor = await JoinAsync("c1", "anchor", ParticipantRole.Anchor);
        var watcher = await JoinAsync("c1", "watcher", ParticipantRole.Audience);
        var alice = await JoinAsync("c1", "alice", ParticipantRole.Audience, "new-follower");
        var bob = await JoinAsync("c1", "bob", ParticipantRole.Audience);
        var guest = await JoinAsync("c1", "guest", ParticipantRole.Guest);

        var drop = (await anchor.InvokeAsync("DropCoupon", "c-10off", 2, 0, 600, null))!;
        Assert.True((bool)drop["created"]!);
        var dropped = await watcher.WaitForEventAsync("coupon.dropped");
        Assert.Equal("c-10off", (string?)dropped["data"]!["couponId"]);
        Assert.Equal(2, (int)dropped["data"]!["inventory"]!);
        Assert.Equal((long)dropped["mediaClockMs"]!, (long)dropped["data"]!["opensAtMediaMs"]!);
        Assert.Equal((long)dropped["mediaClockMs"]! + 600_000, (long)dropped["data"]!["closesAtMediaMs"]!);
        // Dropping the same id again returns the existing coupon and makes no event.
        Assert.False((bool)(await anchor.InvokeAsync("DropCoupon", "c-10off", 99, 0, 60, null))!["created"]!);

        var granted = (await alice.InvokeAsync("ClaimCoupon", "c-10off", "a-1"))!;
        Assert.Equal("Granted", (string?)granted["outcome"]);
        Assert.Equal(1, (int)granted["remaining"]!);
        var retried = (await alice.InvokeAsync("ClaimCoupon", "c-10off", "a-1"))!;
        Assert.True((bool)retried["isRetry"]!);
        Assert.Equal((long)granted["grantSeq"]!, (long)retried["grantSeq"]!);
        Assert.Equal("AlreadyClaimed", (string?)(await alice.InvokeAsync("ClaimCoupon", "c-10off", "a-2"))!["outcome"]);
        Assert.Equal("Granted", (string?)(await guest.InvokeAsync("ClaimCoupon", "c-10off", "g-1"))!["outcome"]);
        var soldOut = (await bob.InvokeAsync("ClaimCoupon", "c-10off", "b-1"))!;
        Assert.Equal("SoldOut", (string?)soldOut["outcome"]);
        Assert.Equal(0, (int)soldOut["remaining"]!);
        await watcher.WaitForEventAsync("coupon.soldOut");

        // The anchor does not claim its own coupons; a service never claims.
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("ClaimCoupon", "c-10off", "x"));
        var service = await JoinAsync("c1", "svc", ParticipantRole.Service);
        Assert.NotNull(await service.InvokeExpectingErrorAsync("ClaimCoupon", "c-10off", "x"));

        Assert.Equal("NoSuchCoupon", (string?)(await bob.InvokeAsync("ClaimCoupon", "c-none", "b-2"))!["outcome"]);
        await anchor.InvokeAsync("DropCoupon", "c-later", 5, 3600, 7200, null);
        Assert.Equal("NotOpen", (string?)(await bob.InvokeAsync("ClaimCoupon", "c-later", "b-3"))!["outcome"]);
        await anchor.InvokeAsync("DropCoupon", "c-fans", 5, 0, 600, "new-follower");
        Assert.Equal("NotInSegment", (string?)(await bob.InvokeAsync("ClaimCoupon", "c-fans", "b-4"))!["outcome"]);
        Assert.Equal("Granted", (string?)(await alice.InvokeAsync("ClaimCoupon", "c-fans", "a-3"))!["outcome"]);
        await anchor.InvokeAsync("DropCoupon", "c-flash", 5, 0, 1, null);
        await Task.Delay(1500); // let its one-second window pass (waiting, not measuring)
        Assert.Equal("Expired", (string?)(await bob.InvokeAsync("ClaimCoupon", "c-flash", "b-5"))!["outcome"]);

        // Join's state: the unexpired coupons with the stock they have left.
        var late = await _driver.ConnectAsync(_server.BaseUrl, _server.Token("c1", "late", ParticipantRole.Audience));
        var coupons = (await late.InvokeAsync("Join", 0))!["state"]!["coupons"]!.AsArray();
        Assert.Equal(["c-10off", "c-later", "c-fans"], coupons.Select(c => (string)c!["couponId"]!));
        Assert.Equal([0, 5, 4], coupons.Select(c => (int)c!["remaining"]!));
        Assert.Equal("new-follower", (string?)coupons[2]!["segment"]);

        var grants = await Ledger.GetGrantsAsync("c1", "c-10off");
        Assert.Equal(["alice", "guest"], grants.Select(g => g.Member).Order());
    }

    [Fact]
    public async Task DropCoupon_RefusesBadArguments()
    {
        var anchor = await JoinAsync("c2", "anchor", ParticipantRole.Anchor);
        var viewer = await JoinAsync("c2", "viewer", ParticipantRole.Audience);
        foreach (var args in new object?[][]
                 {
                     ["", 10, 0, 60, null], ["c", 0, 0, 60, null], ["c", -1, 0, 60, null], ["c", 2_000_000, 0, 60, null],
                     ["c", 10, -1, 60, null], ["c", 10, 60, 60, null], ["c", 10, 60, 30, null], ["c", 10, 0, 999_999_999, null],
                     ["c", 10, 0, 60, ""], ["c", 10, 0, 60, "bad segment"], ["c d", 10, 0, 60, null],
                 })
            Assert.NotNull(await anchor.InvokeExpectingErrorAsync("DropCoupon", args));
        Assert.Equal(11, Counters.Get("hub.argument"));
        Assert.NotNull(await viewer.InvokeExpectingErrorAsync("ClaimCoupon", "", "k"));
        Assert.NotNull(await viewer.InvokeExpectingErrorAsync("ClaimCoupon", "c", ""));
        Assert.NotNull(await viewer.InvokeExpectingErrorAsync("ClaimCoupon", "c", new string('k', 200)));
        Assert.Equal(14, Counters.Get("hub.argument"));
        Assert.Null(await Ledger.GetCouponAsync("c2", "c"));

        var max = _server.Services.GetRequiredService<CommerceOptions>().MaxOpenCoupons;
        for (var i = 0; i < max; i++) await anchor.InvokeAsync("DropCoupon", "c" + i, 1, 0, 600, null);
        Assert.NotNull(await anchor.InvokeExpectingErrorAsync("DropCoupon", "one-too-many", 1, 0, 600, null));
        Assert.Equal(1, Counters.Get("hub.coupon.tooMany"));
    }

    [Fact]
    public async Task AfterARestart_TheLedgerStillAnswersClaims_AndTheFirstClaimBringsTheCouponBack()
    {
        var store = Directory.CreateTempSubdirectory("costream-restart-").FullName;
        try
        {
            var path = $"--Commerce:Store:SqlitePath={Path.Combine(store, "ledger.db")}";
            var secret = $"--CoStream:TokenSecret={Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))}";
            await using (var first = await CoStreamServer.StartAsync(path, secret))
            {
                var anchor = await _driver.ConnectAsync(first.BaseUrl, first.Token("rs", "anchor", ParticipantRole.Anchor));
                await anchor.InvokeAsync("DropCoupon", "c-keep", 3, 0, 600, null);
                var viewer = await _driver.ConnectAsync(first.BaseUrl, first.Token("rs", "v0", ParticipantRole.Audience));
                Assert.Equal("Granted", (string?)(await viewer.InvokeAsync("ClaimCoupon", "c-keep", "v0-1"))!["outcome"]);
            }
            // A gift committed by the first process that died before telling it (the ledger call without the hub's event).
            long untoldSeq;
            await using (var crashed = await CoStreamServer.StartAsync(path, secret))
                untoldSeq = (await crashed.Services.GetRequiredService<ICommerceLedger>().RecordGiftAsync("rs", "v0", "rose", 4, "untold", 0)).Record.Sequence;
            await using var second = await CoStreamServer.StartAsync(path, secret);
            var watcher = await _driver.ConnectAsync(second.BaseUrl, second.Token("rs", "w", ParticipantRole.Audience));
            Assert.Empty((await watcher.InvokeAsync("Join", 0))!["state"]!["coupons"]!.AsArray()); // not known until used
            var again = await _driver.ConnectAsync(second.BaseUrl, second.Token("rs", "v0", ParticipantRole.Audience));
            var retry = (await again.InvokeAsync("ClaimCoupon", "c-keep", "v0-1"))!;
            Assert.True((bool)retry["isRetry"]!);
            var other = await _driver.ConnectAsync(second.BaseUrl, second.Token("rs", "v1", ParticipantRole.Audience));
            Assert.Equal(1, (int)(await other.InvokeAsync("ClaimCoupon", "c-keep", "v1-1"))!["remaining"]!);
            await watcher.WaitForEventAsync("coupon.stock");
            // Its retry at the new process tells it, once; a second retry tells nothing.
            Assert.True((bool)(await again.InvokeAsync("SendGift", "rose", 4, "untold"))!["isRetry"]!);
            Assert.True((bool)(await again.InvokeAsync("SendGift", "rose", 4, "untold"))!["isRetry"]!);
            var fresh = (await again.InvokeAsync("SendGift", "rose", 1, "fresh"))!;
            await watcher.WaitForEventAsync(e => (string?)e["kind"] == "gift.sent" && (long)e["data"]!["ledgerSeq"]! == (long)fresh["ledgerSeq"]!);
            var told = watcher.RoomEvents.Where(e => (string?)e["kind"] == "gift.sent").Select(e => (long)e["data"]!["ledgerSeq"]!).ToList();
            Assert.Equal([untoldSeq, (long)fresh["ledgerSeq"]!], told);

            var late = await _driver.ConnectAsync(second.BaseUrl, second.Token("rs", "late", ParticipantRole.Audience));
            var coupons = (await late.InvokeAsync("Join", 0))!["state"]!["coupons"]!.AsArray();
            Assert.Equal("c-keep", (string?)coupons.Single()!["couponId"]);
            Assert.Equal(1, (int)coupons.Single()!["remaining"]!);
        }
        finally
        {
            try { Directory.Delete(store, recursive: true); } catch (IOException) { }
        }
    }
}
