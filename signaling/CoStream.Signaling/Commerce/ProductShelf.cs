using System.Collections.Concurrent;
using CoStream.Signaling.Auth;
using CoStream.Signaling.Rooms;

namespace CoStream.Signaling.Commerce;

/// <summary>
/// The rooms' product shelves (橱窗): the products an anchor lists, in listing order, and the one pinned
/// product being presented. Every method is called with the room's <see cref="RoomEventLog.Gate"/> held,
/// together with the event it reports, so the shelf a joiner sees matches the log. In memory: a
/// restart empties the shelves (products are catalogue data that the anchor's console lists again).
/// </summary>
public sealed class ProductShelf : IRoomStateContributor
{
    private readonly ConcurrentDictionary<string, RoomShelf> _rooms = new(StringComparer.Ordinal);

    private sealed class RoomShelf
    {
        public readonly List<Product> Products = [];
        public string? Pinned;
    }

    public int Count(string room) => _rooms.TryGetValue(room, out var s) ? s.Products.Count : 0;

    /// <summary>Adds the product, or replaces the listed product with its id; returns whether it replaced one.</summary>
    public bool List(string room, Product product)
    {
        var shelf = _rooms.GetOrAdd(room, _ => new RoomShelf());
        var at = shelf.Products.FindIndex(p => p.Id == product.Id);
        if (at >= 0)
        {
            shelf.Products[at] = product;
            return true;
        }
        shelf.Products.Add(product);
        return false;
    }

    public bool Contains(string room, string productId) =>
        _rooms.TryGetValue(room, out var shelf) && shelf.Products.Exists(p => p.Id == productId);

    /// <summary>Removes a listed product; <paramref name="wasPinned"/> says it was the pinned one (now unpinned).</summary>
    public bool Remove(string room, string productId, out bool wasPinned)
    {
        wasPinned = false;
        if (!_rooms.TryGetValue(room, out var shelf)) return false;
        var removed = shelf.Products.RemoveAll(p => p.Id == productId) > 0;
        if (removed && shelf.Pinned == productId)
        {
            shelf.Pinned = null;
            wasPinned = true;
        }
        return removed;
    }

    /// <summary>Pins a listed product; returns it, with the id of the product it unpinned (null if none).</summary>
    public Product? Pin(string room, string productId, out string? replaced)
    {
        replaced = null;
        if (!_rooms.TryGetValue(room, out var shelf)) return null;
        var product = shelf.Products.Find(p => p.Id == productId);
        if (product is null) return null;
        replaced = shelf.Pinned == productId ? null : shelf.Pinned;
        shelf.Pinned = productId;
        return product;
    }

    public string? Pinned(string room) => _rooms.TryGetValue(room, out var shelf) ? shelf.Pinned : null;

    /// <summary>Unpins; returns the id that was pinned, or null.</summary>
    public string? Unpin(string room)
    {
        if (!_rooms.TryGetValue(room, out var shelf) || shelf.Pinned is null) return null;
        var was = shelf.Pinned;
        shelf.Pinned = null;
        return was;
    }

    public void Contribute(string room, RoomToken caller, IDictionary<string, object?> state)
    {
        _rooms.TryGetValue(room, out var shelf);
        state["shelf"] = shelf is null ? Array.Empty<Product>() : shelf.Products.ToArray();
        state["pinnedProduct"] = shelf?.Pinned is { } id ? shelf.Products.Find(p => p.Id == id) : null;
    }
}
