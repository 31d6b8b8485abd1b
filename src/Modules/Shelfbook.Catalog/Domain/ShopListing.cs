using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Domain;

public enum ListingMatch
{
    /// <summary>No SKU yet: the listing is in the unmatched queue (待匹配).</summary>
    Unmatched,

    /// <summary>Matched automatically: the seller code or barcode is a SKU's code, alias or barcode.</summary>
    Auto,

    /// <summary>Mapped or confirmed by a person; a later change of the seller code does not undo it.</summary>
    Confirmed,
}

/// <summary>
/// A shop listing (店铺商品): one variant as a shop sells it, keyed by (shop, platform item id, platform SKU id), and
/// its mapping to a system SKU with a quantity multiplier ("2-pack" → 2 × SKU). Mapping changes apply to orders
/// imported afterwards; orders already imported keep the SKU lines they were given.
/// </summary>
[Audited(AuditCategory.Product, "shop_listing", Ignore = [nameof(UpdatedAt), nameof(NormalizedSellerCode)])]
public sealed class ShopListing
{
    public const int IdMax = 64;
    public const int MaxMultiplier = 999;

    private ShopListing() { }

    public Guid Id { get; private set; } = Guid.CreateVersion7();
    public Guid ShopId { get; private set; }
    public string PlatformItemId { get; private set; } = "";

    /// <summary>Empty for an item without variants.</summary>
    public string PlatformSkuId { get; private set; } = "";

    public string? SellerCode { get; private set; }
    public string? NormalizedSellerCode { get; private set; }
    public string? Barcode { get; private set; }
    public string? Title { get; private set; }
    public string? Spec { get; private set; }
    public long Price { get; private set; }
    public Guid? SkuId { get; private set; }
    public int Multiplier { get; private set; } = 1;
    public ListingMatch Match { get; private set; }

    /// <summary>How the mapping was made: "code", "alias", "barcode" (automatic) or "manual".</summary>
    public string? MatchedBy { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>Checks one listing of a batch; errors are named <c>{prefix}.field</c>.</summary>
    public static (string ItemId, string SkuId, string? SellerCode, string? Barcode, string? Title, string? Spec, long Price) Check(
        ListingInput? input, string prefix, InputCheck check)
    {
        if (input is null)
        {
            check.Add(prefix, "required", $"{prefix} is empty.");
            return ("", "", null, null, null, null, 0);
        }
        var itemId = check.Required($"{prefix}.platformItemId", input.PlatformItemId, IdMax);
        var skuId = check.Optional($"{prefix}.platformSkuId", input.PlatformSkuId, IdMax) ?? "";
        var sellerCode = check.Optional($"{prefix}.sellerCode", input.SellerCode, Sku.CodeMax);
        var barcode = check.Optional($"{prefix}.barcode", input.Barcode, 64);
        var title = check.Optional($"{prefix}.title", input.Title, 200);
        var spec = check.Optional($"{prefix}.spec", input.Spec, 200);
        if (input.Price is < 0) check.Add($"{prefix}.price", "negative", "price must not be negative.");
        return (itemId, skuId, sellerCode, barcode, title, spec, Math.Max(input.Price ?? 0, 0));
    }

    public static ShopListing Create(Guid shopId, string itemId, string skuId, DateTime now) =>
        new() { ShopId = shopId, PlatformItemId = itemId, PlatformSkuId = skuId, UpdatedAt = now };

    /// <summary>
    /// Takes the platform's current description. An automatic match is undone when the seller code or barcode it
    /// rested on changes (the caller then matches again); a confirmed mapping stays.
    /// </summary>
    public void Describe(string? sellerCode, string? barcode, string? title, string? spec, long price, DateTime now)
    {
        var normalized = sellerCode is null ? null : Sku.Normalize(sellerCode);
        if (Match == ListingMatch.Auto && (normalized != NormalizedSellerCode || barcode != Barcode)) Unmap();
        (SellerCode, NormalizedSellerCode, Barcode, Title, Spec, Price, UpdatedAt) = (sellerCode, normalized, barcode, title, spec, price, now);
    }

    public void MatchAutomatically(Guid skuId, string by)
    {
        if (Match == ListingMatch.Confirmed) return;
        (SkuId, Multiplier, Match, MatchedBy) = (skuId, 1, ListingMatch.Auto, by);
    }

    public void MapTo(Guid skuId, int multiplier, string prefix, InputCheck check)
    {
        if (multiplier is < 1 or > MaxMultiplier)
        {
            check.Add($"{prefix}.multiplier", "out_of_range", $"multiplier must be 1–{MaxMultiplier}.", 1, MaxMultiplier);
            return;
        }
        (SkuId, Multiplier, Match, MatchedBy) = (skuId, multiplier, ListingMatch.Confirmed, "manual");
    }

    public void Unmap() => (SkuId, Multiplier, Match, MatchedBy) = (null, 1, ListingMatch.Unmatched, null);
}
