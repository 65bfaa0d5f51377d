using CoStream.Signaling.Rooms;
using CoStream.Signaling.Store;

namespace CoStream.Signaling.Commerce;

/// <summary>Registers the money side of the room hub: the ledger (from <c>Commerce:Store</c>), combos, the shelf and the coupon board.</summary>
public static class CommerceServices
{
    public static IServiceCollection AddCommerce(this IServiceCollection services, IConfiguration config)
    {
        var options = config.GetSection(CommerceOptions.Section).Get<CommerceOptions>() ?? new CommerceOptions();
        var store = config.GetSection(CommerceStoreOptions.Section).Get<CommerceStoreOptions>() ?? new CommerceStoreOptions();
        services.AddSingleton(options);
        services.AddSingleton(store);
        // Opened once, on first use (the host resolves it at start-up so a bad store fails the start, not a gift);
        // the container disposes it when the host stops, after the server has drained its calls.
        services.AddSingleton<ICommerceLedger>(_ => store.OpenLedgerAsync().GetAwaiter().GetResult());
        services.AddSingleton(_ => new GiftComboTracker(TimeSpan.FromMilliseconds(options.ComboWindowMs)));
        services.AddSingleton(new UntoldGifts()); // now: its start time is this host's

        services.AddSingleton<ProductShelf>();
        services.AddSingleton<CouponBoard>();
        services.AddSingleton<IRoomStateContributor>(sp => sp.GetRequiredService<ProductShelf>());
        services.AddSingleton<IRoomStateContributor>(sp => sp.GetRequiredService<CouponBoard>());
        return services;
    }
}
