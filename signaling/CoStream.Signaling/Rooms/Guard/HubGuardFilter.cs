using System.Collections.Concurrent;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Media;
using Microsoft.AspNetCore.SignalR;

namespace CoStream.Signaling.Rooms.Guard;

/// <summary>
/// The hub filter on every hub (room and media): counts invocations per method (<c>hub.invoke.&lt;Method&gt;</c>),
/// rate limits each connection (<see cref="ConnectionGuard"/>: <c>hub.rateLimited</c>, then <c>hub.closedForAbuse</c>
/// and the connection is aborted), and turns any exception but a <see cref="HubException"/> into a HubException with
/// a plain message (<c>hub.argument</c> for argument exceptions, <c>hub.error</c> for the rest, logged with an id the
/// caller is told) so no internal detail reaches a client. Errors SignalR raises before filters run (unknown method,
/// bad arguments, malformed or oversized frames) are counted by <see cref="GuardedHubProtocol"/>.
/// </summary>
public sealed class HubGuardFilter(GuardOptions options, SignalingCounters counters, ILogger<HubGuardFilter> log, TimeProvider? time = null)
    : IHubFilter
{
    private static readonly object StateKey = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly long _start = (time ?? TimeProvider.System).GetTimestamp();
    private readonly ConcurrentDictionary<string, string> _invokeKeys = new(StringComparer.Ordinal);
    private long _errorIds;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = invocation.HubMethodName;
        // Method names here are the hub's own (unknown names never reach a filter), so the key set is bounded.
        counters.Count(_invokeKeys.GetOrAdd(method, static m => "hub.invoke." + m));
        var context = invocation.Context;
        if (!IsExempt(context))
        {
            var verdict = GuardOf(context).Admit(NowMs);
            if (verdict == GuardVerdict.Closed) throw new HubException("connection closed: too many calls");
            if (verdict != GuardVerdict.Allowed)
            {
                counters.CountHubRefusal("rateLimited");
                if (verdict == GuardVerdict.Close)
                {
                    counters.CountHubRefusal("closedForAbuse");
                    log.LogWarning("connection {Connection} closed: kept invoking over the rate limit", context.ConnectionId);
                    context.Abort();
                }
                throw new HubException($"rate limited: at most {options.PerConnection.PerSecond} calls/s per connection");
            }
        }
        try
        {
            return await next(invocation);
        }
        catch (HubException)
        {
            throw;
        }
        catch (OperationCanceledException) when (context.ConnectionAborted.IsCancellationRequested)
        {
            throw new HubException("connection closed");
        }
        catch (ArgumentException e)
        {
            counters.CountHubRefusal("argument");
            log.LogInformation("{Method}: bad argument {Parameter}", method, e.ParamName);
            throw new HubException($"invalid argument to {method}");
        }
        catch (Exception e)
        {
            var id = Interlocked.Increment(ref _errorIds);
            counters.CountHubRefusal("error");
            log.LogError(e, "{Method} failed (error {Id})", method, id);
            throw new HubException($"{method} failed on the server (error {id})");
        }
    }

    private long NowMs => (long)_time.GetElapsedTime(_start).TotalMilliseconds;

    private bool IsExempt(HubCallerContext context) =>
        options.ExemptServices && context.Items.TryGetValue("token", out var t) && t is RoomToken { Role: ParticipantRole.Service };

    private ConnectionGuard GuardOf(HubCallerContext context)
    {
        // Invocations of one connection run one at a time by default, but a client may raise that: tolerate a race.
        if (context.Items.TryGetValue(StateKey, out var existing) && existing is ConnectionGuard guard) return guard;
        guard = new ConnectionGuard(options, NowMs);
        context.Items[StateKey] = guard;
        return guard;
    }
}
