using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.ExceptionServices;
using CoStream.Signaling.Media;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace CoStream.Signaling.Rooms.Guard;

/// <summary>
/// Wraps the hub protocol (JSON) to see what SignalR refuses before any hub filter runs, count it, and give the
/// caller a plain reason: a frame that is not a SignalR message (<c>hub.malformed</c>) or is larger than
/// <c>MaximumReceiveMessageSize</c> (<c>hub.oversized</c>) closes the connection with a <see cref="HubException"/>
/// whose message SignalR puts in its close message; an invocation of a method the hub does not have
/// (<c>hub.unknownMethod</c>) or with arguments that do not bind (<c>hub.badArguments</c>) is answered with a
/// completion error naming the problem, and the connection lives on.
/// </summary>
public sealed class GuardedHubProtocol(IHubProtocol inner, SignalingCounters counters, Func<long> maxMessageSize) : IHubProtocol
{
    // Read on first use: HubOptions' own set-up enumerates the protocols, so reading it while constructing one would recurse.
    private long _maxMessageSize;
    private const int MaxNameInMessage = 64;

    public string Name => inner.Name;
    public int Version => inner.Version;
    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        var length = input.Length;
        bool parsed;
        try
        {
            parsed = inner.TryParseMessage(ref input, binder, out message);
        }
        catch (Exception e)
        {
            counters.CountHubRefusal("malformed");
            throw new HubException("malformed message: " + Describe(e));
        }
        if (!parsed)
        {
            // A whole record was read but gave no message: an unknown message type, which the JSON protocol skips
            // for forward compatibility — but SignalR then re-reads the same record forever and the connection hangs.
            if (input.Length != length)
            {
                counters.CountHubRefusal("malformed");
                throw new HubException("malformed message: unknown message type");
            }
            // SignalR hands the parser at most MaximumReceiveMessageSize bytes; a message not complete within them
            // is larger than the limit, whatever follows.
            var max = _maxMessageSize;
            if (max == 0) _maxMessageSize = max = maxMessageSize();
            if (length >= max)
            {
                counters.CountHubRefusal("oversized");
                throw new HubException($"message larger than {max} bytes");
            }
            return false;
        }
        message = message switch
        {
            InvocationBindingFailureMessage f => new InvocationBindingFailureMessage(f.InvocationId, f.Target, Explain(f.Target, binder)),
            StreamBindingFailureMessage s => Counted(s, "badArguments"),
            _ => message!,
        };
        return true;
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

    private ExceptionDispatchInfo Explain(string target, IInvocationBinder binder)
    {
        var name = target.Length <= MaxNameInMessage ? target : target[..MaxNameInMessage] + "…";
        IReadOnlyList<Type> parameters;
        try
        {
            parameters = binder.GetParameterTypes(target);
        }
        catch (Exception)
        {
            counters.CountHubRefusal("unknownMethod");
            return Capture(new HubException($"unknown method '{name}'"));
        }
        counters.CountHubRefusal("badArguments");
        var expected = string.Join(", ", parameters.Select(p => TypeName(p)));
        return Capture(new HubException($"wrong arguments for '{name}': it takes ({expected})"));
    }

    private StreamBindingFailureMessage Counted(StreamBindingFailureMessage message, string reason)
    {
        counters.CountHubRefusal(reason);
        return message;
    }

    private static ExceptionDispatchInfo Capture(Exception e)
    {
        try { throw e; }
        catch (Exception thrown) { return ExceptionDispatchInfo.Capture(thrown); }
    }

    private static string TypeName(Type t) =>
        Nullable.GetUnderlyingType(t) is { } u ? TypeName(u) + "?" : t == typeof(string) ? "string" : t == typeof(int) ? "int"
            : t == typeof(long) ? "long" : t == typeof(bool) ? "bool" : t == typeof(double) ? "double" : t.Name;

    // Only our own wording: the inner exception's text may quote the client's bytes at length.
    private static string Describe(Exception e) => e switch
    {
        InvalidDataException { InnerException: System.Text.Json.JsonException } => "not valid JSON",
        InvalidDataException ide when ide.Message.Contains("type", StringComparison.OrdinalIgnoreCase) => "no message type",
        InvalidDataException => "not a SignalR JSON message",
        _ => "unreadable",
    };
}

/// <summary>Registers <see cref="HubGuardFilter"/> on every hub and wraps the JSON hub protocol in <see cref="GuardedHubProtocol"/>.</summary>
public static class HubGuardRegistration
{
    /// <summary>Call after <c>AddSignalR</c>.</summary>
    public static IServiceCollection AddHubGuard(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(GuardOptions.From(config));
        services.AddSingleton<HubGuardFilter>();
        services.Configure<HubOptions>(o => o.AddFilter<HubGuardFilter>());
        var json = services.Where(d => d.ServiceType == typeof(IHubProtocol) && d.ImplementationType == typeof(JsonHubProtocol)).ToList();
        if (json.Count == 0) throw new InvalidOperationException("AddHubGuard must follow AddSignalR");
        foreach (var d in json) services.Remove(d);
        services.AddSingleton<IHubProtocol>(sp => new GuardedHubProtocol(
            new JsonHubProtocol(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<JsonHubProtocolOptions>>()),
            sp.GetRequiredService<SignalingCounters>(),
            () => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value.MaximumReceiveMessageSize ?? long.MaxValue));
        return services;
    }
}
