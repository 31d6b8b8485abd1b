using System.Collections.Concurrent;
using Shelfbook.Catalog.Domain;

namespace Shelfbook.Catalog.Features.ResolveLines;

internal sealed record SkuFacts(Guid Id, string Code, bool Active, SkuKind Kind, long RetailPrice, long CostPrice);

internal sealed record RuleFacts(Guid Id, Guid FromSkuId, Guid ToSkuId, int Factor, Guid? ShopId, DateTime? StartsAt, DateTime? EndsAt, bool OnlyWhenOutOfStock, DateTime CreatedAt);

/// <summary>
/// The catalog side of resolution (everything but the shop listings): codes, aliases and barcodes to SKUs, the SKUs'
/// facts, active replacement rules by the SKU they replace, every combo flattened, and the price basis. Read-only
/// once built, so one instance serves many batches on many threads.
/// </summary>
internal sealed record ResolutionFacts(
    Dictionary<string, Guid> Codes,
    Dictionary<Guid, SkuFacts> Skus,
    Dictionary<Guid, List<RuleFacts>> Rules,
    Dictionary<Guid, IReadOnlyList<(Guid Sku, long Quantity)>?> Flattened,
    ComboPriceBasis Basis);

/// <summary>
/// The whole-catalog snapshots of the most recently busy tenants (by database), each valid for one
/// <see cref="CatalogStamp"/> version. A snapshot of 100,000 SKUs takes some tens of MiB, so only
/// <see cref="Capacity"/> tenants are kept; the least recently used one goes first.
/// </summary>
public sealed class ResolutionSnapshots
{
    private sealed record Entry(long Version, ResolutionFacts Facts)
    {
        public long LastUsed;
    }

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _clock;

    public int Capacity { get; init; } = 8;

    public int Count => _entries.Count;

    /// <summary>How many batches were served by a kept snapshot, and how many snapshots were kept (diagnostics).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public long Stores => Interlocked.Read(ref _stores);

    private long _hits, _stores;

    internal ResolutionFacts? Get(string database, long version)
    {
        if (!_entries.TryGetValue(database, out var entry) || entry.Version != version) return null;
        entry.LastUsed = Interlocked.Increment(ref _clock);
        return entry.Facts;
    }

    /// <summary>A batch was served by a kept snapshot (counted once the resolver has accepted it).</summary>
    internal void Hit() => Interlocked.Increment(ref _hits);

    internal void Store(string database, long version, ResolutionFacts facts)
    {
        Interlocked.Increment(ref _stores);
        lock (_gate)
        {
            // A slow reader of an older version does not push out a newer snapshot.
            if (_entries.TryGetValue(database, out var present) && present.Version > version) return;
            _entries[database] = new Entry(version, facts) { LastUsed = Interlocked.Increment(ref _clock) };
            while (_entries.Count > Capacity)
                _entries.TryRemove(_entries.MinBy(e => e.Value.LastUsed).Key, out _);
        }
    }

    /// <summary>Forgets every snapshot (the next large batch of each tenant reads its catalog again).</summary>
    public void Clear() => _entries.Clear();
}
