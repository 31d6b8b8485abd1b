using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Channels.Domain;

/// <summary>A shop's stock-push rules as a user sets them; fields left null keep their value.</summary>
public sealed record StockPushSettings(bool? Enabled, int? Buffer, int? RatioPercent, IReadOnlyList<Guid>? WarehouseIds);

/// <summary>
/// A shop's stock push (库存同步): whether it is on, the units held back (<see cref="Buffer"/>) and the share of the rest
/// offered (<see cref="RatioPercent"/>), and the push schedule with its lease (one app node pushes a shop at a time).
/// </summary>
[Audited(AuditCategory.System, "shop_stock_push",
    Ignore = [nameof(NextPushAt), nameof(LastPushAt), nameof(LeaseOwner), nameof(LeaseUntil), nameof(LastError), nameof(LastErrorAt), nameof(UpdatedAt)])]
public sealed class ShopStockPush
{
    public const int MaxBuffer = 1_000_000;

    private ShopStockPush() { }

    public Guid ShopId { get; private set; }
    public bool Enabled { get; private set; }

    /// <summary>Units of each SKU never offered on this shop (安全库存 for the shop).</summary>
    public int Buffer { get; private set; }

    /// <summary>The share of the available stock offered, 1–100 (a shop that shares stock with others may get 60%).</summary>
    public int RatioPercent { get; private set; } = 100;

    public DateTime? NextPushAt { get; private set; }
    public DateTime? LastPushAt { get; private set; }
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseUntil { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? LastErrorAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public static ShopStockPush Create(Guid shopId, DateTime now) => new() { ShopId = shopId, UpdatedAt = now };

    public void Configure(StockPushSettings input, bool hasCredentials, DateTime now)
    {
        var check = new InputCheck();
        if (input.Buffer is { } buffer && buffer is < 0 or > MaxBuffer)
            check.Add("buffer", "out_of_range", $"buffer must be 0–{MaxBuffer}.", 0, MaxBuffer);
        if (input.RatioPercent is { } ratio && ratio is < 1 or > 100)
            check.Add("ratioPercent", "out_of_range", "ratioPercent must be 1–100.", 1, 100);
        check.ThrowIfAny();
        if (input.Enabled is true && !hasCredentials)
            throw new RuleViolatedException("connection.no_credentials", "Set the shop's credentials before turning stock push on.");
        if (input.Buffer is { } b) Buffer = b;
        if (input.RatioPercent is { } r) RatioPercent = r;
        if (input.Enabled is { } enabled)
        {
            Enabled = enabled;
            NextPushAt = enabled ? now : null;
        }
        else if (Enabled) NextPushAt = now;
        UpdatedAt = now;
    }
}

/// <summary>A warehouse whose stock a shop sells (and, for the Orders module, ships from).</summary>
[Audited(AuditCategory.System, "shop_warehouse")]
public sealed class ShopWarehouse
{
    private ShopWarehouse() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid ShopId { get; private set; }
    public Guid WarehouseId { get; private set; }

    public static ShopWarehouse Create(Guid shopId, Guid warehouseId) => new() { ShopId = shopId, WarehouseId = warehouseId };
}

/// <summary>A listing's own push rules: left out (不同步), a fixed (virtual) quantity, a floor and a ceiling.</summary>
public sealed record ListingStockSettings(bool OptOut = false, int? FixedQuantity = null, int? MinQuantity = null, int? MaxQuantity = null);

/// <summary>
/// One shop listing's stock push (keyed by the catalog's listing): its own rules, the quantity last computed, the one
/// the platform last accepted, the one the platform showed when its listings were last fetched, and the last refusal.
/// A row exists once the listing has been pushed, fetched or given rules.
/// </summary>
[Audited(AuditCategory.Product, "listing_stock", QuietDefaults = true,
    Ignore = [nameof(ShopId), nameof(WantedQuantity), nameof(PushedQuantity), nameof(PushedAt), nameof(PlatformQuantity), nameof(PlatformQuantityAt),
        nameof(LastError), nameof(LastErrorAt), nameof(Failures), nameof(RetryAt), nameof(UpdatedAt)])]
public sealed class ListingStock
{
    public const int MaxQuantityValue = 10_000_000;

    private ListingStock() { }

    public Guid ListingId { get; private set; }
    public Guid ShopId { get; private set; }
    public bool OptOut { get; private set; }
    public int? FixedQuantity { get; private set; }
    public int? MinQuantity { get; private set; }
    public int? MaxQuantity { get; private set; }
    public long? WantedQuantity { get; private set; }
    public long? PushedQuantity { get; private set; }
    public DateTime? PushedAt { get; private set; }
    public long? PlatformQuantity { get; private set; }
    public DateTime? PlatformQuantityAt { get; private set; }
    public string? LastError { get; private set; }
    public DateTime? LastErrorAt { get; private set; }
    public int Failures { get; private set; }

    /// <summary>After a refusal the listing waits (1, 2, 4 … 60 minutes) before it is tried again, unless its quantity changes or a full push is asked for.</summary>
    public DateTime? RetryAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    public static ListingStock Create(Guid listingId, Guid shopId, DateTime now) => new() { ListingId = listingId, ShopId = shopId, UpdatedAt = now };

    public ListingStockSettings Settings => new(OptOut, FixedQuantity, MinQuantity, MaxQuantity);

    public static void Check(ListingStockSettings input, InputCheck check)
    {
        foreach (var (name, value) in new[] { ("fixedQuantity", input.FixedQuantity), ("minQuantity", input.MinQuantity), ("maxQuantity", input.MaxQuantity) })
            if (value is { } v && v is < 0 or > MaxQuantityValue)
                check.Add(name, "out_of_range", $"{name} must be 0–{MaxQuantityValue}.", 0, MaxQuantityValue);
        if (input is { MinQuantity: { } min, MaxQuantity: { } max } && min > max)
            check.Add("minQuantity", "above_max", "minQuantity must not be above maxQuantity.");
    }

    public void Configure(ListingStockSettings input, DateTime now)
    {
        var check = new InputCheck();
        Check(input, check);
        check.ThrowIfAny();
        (OptOut, FixedQuantity, MinQuantity, MaxQuantity, UpdatedAt) = (input.OptOut, input.FixedQuantity, input.MinQuantity, input.MaxQuantity, now);
        RetryAt = null;
        // Left out: nothing waits to be pushed and an old refusal no longer applies.
        if (OptOut) (WantedQuantity, LastError, LastErrorAt) = (null, null, null);
    }

    public void Want(long quantity, DateTime now)
    {
        if (WantedQuantity != quantity) RetryAt = null;
        (WantedQuantity, UpdatedAt) = (quantity, now);
    }

    /// <summary>The platform took the quantity, so that is what it shows now (until a fetch says otherwise).</summary>
    public void Pushed(long quantity, DateTime now)
    {
        (PushedQuantity, PushedAt, LastError, LastErrorAt, Failures, RetryAt, UpdatedAt) = (quantity, now, null, null, 0, null, now);
        (PlatformQuantity, PlatformQuantityAt) = (quantity, now);
    }

    public void Refused(string error, DateTime now)
    {
        Failures++;
        (LastError, LastErrorAt, UpdatedAt) = (error.Length > 1000 ? error[..1000] : error, now, now);
        RetryAt = now.AddMinutes(Math.Min(60, 1 << Math.Min(Failures - 1, 6)));
    }

    public void Saw(long quantity, DateTime now) => (PlatformQuantity, PlatformQuantityAt, UpdatedAt) = (quantity, now, now);
}

/// <summary>The push formula, in one place.</summary>
public static class StockFormula
{
    /// <summary>
    /// The quantity a listing offers: its fixed quantity when it has one; otherwise
    /// floor((available − buffer) × ratio ÷ 100 ÷ multiplier), never below zero, then raised to its floor and cut to its ceiling.
    /// <paramref name="available"/> is in units of the listing's SKU (for a combo: the sets its components make).
    /// </summary>
    public static long Quantity(long available, int multiplier, int buffer, int ratioPercent, ListingStockSettings? own)
    {
        if (own?.FixedQuantity is { } fixedQuantity) return fixedQuantity;
        var offered = Math.Max(0, available - buffer) * ratioPercent / 100 / Math.Max(1, multiplier);
        if (own?.MinQuantity is { } min && offered < min) offered = min;
        if (own?.MaxQuantity is { } max && offered > max) offered = max;
        return offered;
    }
}
