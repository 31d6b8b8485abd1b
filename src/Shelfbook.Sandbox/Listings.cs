using System.Globalization;
using Shelfbook.Sandbox.Taobao;

namespace Shelfbook.Sandbox;

/// <summary>One sellable variant of a seller's item (an item without variants has <see cref="SkuId"/> 0); price in fen.</summary>
public sealed class SandboxListing
{
    public long ItemId { get; set; }
    public long SkuId { get; set; }
    public string ItemTitle { get; set; } = "";
    public string? OuterId { get; set; }
    public string? Spec { get; set; }
    public string? Barcode { get; set; }
    public long Quantity { get; set; }
    public long Price { get; set; }
}

/// <summary>
/// A listing the control API is asked to create: variants with the same <see cref="Item"/> title share one item; ids are
/// drawn unless given (the demo gives its catalog's).
/// </summary>
public sealed record SandboxListingInput(
    string? Item, string? SellerCode, string? Spec = null, long? Quantity = null, long? Price = null, bool NoVariants = false, string? Barcode = null,
    long? ItemId = null, long? SkuId = null);

public sealed record ListingsInput(SandboxListingInput[]? Listings);

/// <summary>A stock update a platform received (what Shelfbook pushed), in order.</summary>
public sealed record ReceivedStockUpdate(string Platform, string Seller, string ItemId, string SkuId, long Quantity, DateTime At);

/// <summary>A seller's listings, shared by the platforms' sandboxes (each writes them in its own shape).</summary>
public sealed class SellerListings
{
    public object Gate { get; } = new();
    public List<SandboxListing> All { get; } = [];

    /// <summary>Creates the listings; variants named with the same item title (and already existing items of that title) share an item.</summary>
    public List<SandboxListing> Add(IEnumerable<SandboxListingInput> inputs, Func<long> nextId)
    {
        var created = new List<SandboxListing>();
        lock (Gate)
        {
            foreach (var input in inputs)
            {
                var title = input.Item ?? input.SellerCode ?? "商品";
                var itemId = input.ItemId ?? (input.NoVariants ? 0 : All.Concat(created).FirstOrDefault(l => l.ItemTitle == title && l.SkuId != 0)?.ItemId ?? 0);
                var listing = new SandboxListing
                {
                    ItemId = itemId != 0 ? itemId : 600_000_000_000 + nextId() % 100_000_000_000,
                    SkuId = input.NoVariants ? 0 : input.SkuId ?? 5_000_000_000_000 + nextId() % 1_000_000_000_000,
                    ItemTitle = title, OuterId = input.SellerCode, Spec = input.Spec, Quantity = input.Quantity ?? 0, Price = input.Price ?? 9900, Barcode = input.Barcode,
                };
                created.Add(listing);
            }
            All.AddRange(created);
        }
        return created;
    }

    /// <summary>What a stock update found: no listing, a quantity that would fall below zero, or the listing with its new quantity.</summary>
    public enum QuantityChange
    {
        NotFound,
        BelowZero,
        Set,
    }

    /// <summary>
    /// Sets the quantity of the first listing <paramref name="which"/> picks (or adds to it when <paramref name="incremental"/>),
    /// never below zero, and records the update as the platform received it.
    /// </summary>
    public QuantityChange SetQuantity(Func<SandboxListing, bool> which, long quantity, bool incremental, SandboxState state, string platform, string seller)
    {
        lock (Gate)
        {
            var listing = All.FirstOrDefault(which);
            if (listing is null) return QuantityChange.NotFound;
            var next = incremental ? listing.Quantity + quantity : quantity;
            if (next < 0) return QuantityChange.BelowZero;
            listing.Quantity = next;
            state.StockUpdates.Enqueue(new ReceivedStockUpdate(platform, seller, Id(listing.ItemId), listing.SkuId == 0 ? "" : Id(listing.SkuId), next,
                state.Clock.GetUtcNow().UtcDateTime));
            return QuantityChange.Set;
        }
    }

    /// <summary>Order lines whose seller code a listing carries take that listing's ids and title, as a real platform's would.</summary>
    public void Dress(IEnumerable<TopTrade> trades)
    {
        lock (Gate)
        {
            if (All.Count == 0) return;
            var byCode = All.Where(l => l.OuterId is not null).GroupBy(l => l.OuterId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            foreach (var line in trades.SelectMany(t => t.Lines))
                if (line.OuterSkuId is not null && byCode.TryGetValue(line.OuterSkuId, out var listing))
                    (line.NumIid, line.SkuId, line.Title, line.SkuProperties) = (listing.ItemId, listing.SkuId, listing.ItemTitle, listing.Spec ?? line.SkuProperties);
        }
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Amounts as a platform writes them: the currency's major unit with as many decimals as it has (yen none, dinars three).</summary>
public static class SandboxMoney
{
    private static readonly HashSet<string> NoDecimals = new(StringComparer.Ordinal) { "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "PYG" };
    private static readonly HashSet<string> ThreeDecimals = new(StringComparer.Ordinal) { "BHD", "KWD", "OMR", "JOD", "TND" };

    /// <summary>The generator's minor units written in <paramref name="currency"/>: for a currency without decimals the number is taken as whole units.</summary>
    public static string Format(long minor, string currency) =>
        NoDecimals.Contains(currency) ? minor.ToString(CultureInfo.InvariantCulture)
        : ThreeDecimals.Contains(currency) ? (minor / 1000m).ToString("0.000", CultureInfo.InvariantCulture)
        : (minor / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
