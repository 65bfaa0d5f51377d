using System.Reflection;
using System.Security.Claims;
using CoStream.Signaling.Media;
using CoStream.Signaling.Rooms.Guard;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;

namespace CoStream.Signaling.Tests.Rooms.Guard;

/// <summary>The filter's exception shield: whatever a hub method throws, the client sees a plain HubException.</summary>
public sealed class HubGuardFilterTests
{
    private readonly SignalingCounters _counters = new();

    private HubGuardFilter Filter() => new(new GuardOptions(), _counters, NullLogger<HubGuardFilter>.Instance);

    private static HubInvocationContext Invocation() =>
        new(new CallerContext(), new EmptyServices(), new DummyHub(), typeof(DummyHub).GetMethod(nameof(DummyHub.Work))!, []);

    [Fact]
    public async Task UnhandledException_BecomesAPlainHubException_WithAnId()
    {
        var e = await Assert.ThrowsAsync<HubException>(async () =>
            await Filter().InvokeMethodAsync(Invocation(), _ => throw new InvalidOperationException("secret /etc/costream path")));
        Assert.DoesNotContain("secret", e.Message);
        Assert.Matches(@"^Work failed on the server \(error \d+\)$", e.Message);
        Assert.Equal(1, _counters.Get("hub.error"));
        Assert.Equal(1, _counters.Get("hub.invoke.Work"));
    }

    [Fact]
    public async Task ArgumentException_IsAnArgumentRefusal_AndHubExceptionsPassThrough()
    {
        var filter = Filter();
        var e = await Assert.ThrowsAsync<HubException>(async () =>
            await filter.InvokeMethodAsync(Invocation(), _ => throw new ArgumentNullException("text")));
        Assert.Equal("invalid argument to Work", e.Message);
        Assert.Equal(1, _counters.Get("hub.argument"));
        var own = await Assert.ThrowsAsync<HubException>(async () =>
            await filter.InvokeMethodAsync(Invocation(), _ => throw new HubException("you are muted")));
        Assert.Equal("you are muted", own.Message);
        Assert.Equal(42, await filter.InvokeMethodAsync(Invocation(), _ => ValueTask.FromResult<object?>(42)));
    }

    [Fact]
    public async Task OneConnection_IsLimited_ThenAborted()
    {
        var filter = Filter();
        var context = new CallerContext();
        var invocation = new HubInvocationContext(context, new EmptyServices(), new DummyHub(), typeof(DummyHub).GetMethod(nameof(DummyHub.Work))!, []);
        int ok = 0, limited = 0;
        for (var i = 0; i < 500 && !context.Aborted; i++)
        {
            try { await filter.InvokeMethodAsync(invocation, _ => ValueTask.FromResult<object?>(null)); ok++; }
            catch (HubException e) when (e.Message.StartsWith("rate limited")) { limited++; }
        }
        Assert.InRange(ok, 60, 61);   // the burst (plus at most one token refilled while looping)
        Assert.True(context.Aborted);
        Assert.Equal(limited, _counters.Get("hub.rateLimited"));
        Assert.Equal(1, _counters.Get("hub.closedForAbuse"));
    }

    private sealed class DummyHub : Hub
    {
        public void Work() { }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class CallerContext : HubCallerContext
    {
        public bool Aborted { get; private set; }
        public override string ConnectionId => "test";
        public override string? UserIdentifier => null;
        public override ClaimsPrincipal? User => null;
        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();
        public override IFeatureCollection Features { get; } = new FeatureCollection();
        public override CancellationToken ConnectionAborted => CancellationToken.None;
        public override void Abort() => Aborted = true;
    }
}
