using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.MapListings;

public sealed record ListingsBatch(IReadOnlyList<ListingInput>? Listings);

public sealed record ListingRow(
    Guid Id, Guid ShopId, string PlatformItemId, string PlatformSkuId, string? SellerCode, string? Barcode, string? Title, string? Spec, long Price,
    Guid? SkuId, string? SkuCode, string? SkuSpec, int Multiplier, ListingMatch Match, string? MatchedBy);

public sealed record ListingFilter(Guid? ShopId = null, ListingMatch? Match = null, string? Search = null);

/// <summary>A SKU the unmatched listing probably is: why ("compact": same code written differently, "pack": an N-pack of it, "name": the title names the product).</summary>
public sealed record Suggestion(Guid SkuId, string SkuCode, string? Spec, string ProductName, int Multiplier, string Reason);

public sealed record MapItem(Guid ListingId, string? SkuCode, int? Multiplier);

public sealed record MapRequest(IReadOnlyList<MapItem>? Items);

/// <summary>What a mapping change did; <see cref="Notice"/> says it touches only orders imported from now on.</summary>
public sealed record MapResult(int Mapped, string Notice);

/// <summary>
/// Shop listings (店铺商品) and their mapping to SKUs: store what a platform lists (matching the seller code or barcode
/// against every SKU code, alias and barcode on the way), the unmatched queue with suggestions, and mapping by hand
/// — one at a time or a whole selection at once, all or nothing.
/// </summary>
public sealed partial class MapListings(TenantDbContext db)
{
    private const int Chunk = 1000;

    public const string LaterOrdersOnly = "Mappings apply to orders imported from now on; orders already imported keep their SKU lines.";

    /// <summary>Creates or updates a shop's listings by (item id, SKU id); unmatched ones are matched automatically if they can be.</summary>
    public async Task<ListingsStored> StoreAsync(Guid shopId, ListingsBatch batch, CancellationToken ct)
    {
        if (!await db.Set<Shop>().AnyAsync(s => s.Id == shopId, ct)) throw new NotFoundException("shop", shopId);
        var inputs = batch.Listings ?? [];
        var check = new InputCheck();
        if (inputs.Count == 0) check.Add("listings", "required", "listings is empty.");
        var rows = inputs.Select((l, i) => ShopListing.Check(l, $"listings[{i}]", check)).ToList();
        foreach (var twice in rows.Select((r, i) => (r, i)).GroupBy(x => (x.r.ItemId, x.r.SkuId)).Where(g => g.Key.ItemId.Length > 0 && g.Count() > 1))
            check.Add($"listings[{twice.Last().i}].platformSkuId", "duplicate", $"{twice.Key.ItemId}/{twice.Key.SkuId} appears twice.", $"{twice.Key.ItemId}/{twice.Key.SkuId}");
        check.ThrowIfAny();

        var now = db.Time.StoredUtcNow();
        var existing = new Dictionary<(string, string), ShopListing>();
        foreach (var chunk in rows.Select(r => r.ItemId).Distinct().Chunk(Chunk))
            foreach (var listing in await db.Set<ShopListing>().Where(l => l.ShopId == shopId && chunk.Contains(l.PlatformItemId)).ToListAsync(ct))
                existing[(listing.PlatformItemId, listing.PlatformSkuId)] = listing;
        int created = 0, updated = 0;
        var touched = new List<ShopListing>();
        foreach (var row in rows)
        {
            if (!existing.TryGetValue((row.ItemId, row.SkuId), out var listing))
            {
                listing = ShopListing.Create(shopId, row.ItemId, row.SkuId, now);
                db.Set<ShopListing>().Add(listing);
                created++;
            }
            else updated++;
            listing.Describe(row.SellerCode, row.Barcode, row.Title, row.Spec, row.Price, now);
            touched.Add(listing);
        }
        var open = touched.Where(l => l.Match == ListingMatch.Unmatched).ToList();
        var codes = await RegistryAsync(open.SelectMany(l => new[] { l.NormalizedSellerCode, l.Barcode is null ? null : Sku.Normalize(l.Barcode) }), ct);
        var matched = 0;
        foreach (var listing in open)
        {
            var hit = listing.NormalizedSellerCode is { } code && codes.TryGetValue(code, out var byCode) ? byCode
                : listing.Barcode is { } barcode && codes.TryGetValue(Sku.Normalize(barcode), out var byBarcode) ? (SkuId: byBarcode.SkuId, Kind: CodeKind.Barcode)
                : default;
            if (hit.SkuId == Guid.Empty) continue;
            listing.MatchAutomatically(hit.SkuId, hit.Kind.ToString().ToLowerInvariant());
            matched++;
        }
        await db.SaveChangesAsync(ct);
        return new ListingsStored(created, updated, matched, touched.Count(l => l.Match == ListingMatch.Unmatched));
    }

    public async Task<Page<ListingRow>> ListAsync(ListingFilter filter, PageRequest page, CancellationToken ct)
    {
        var listings = db.Set<ShopListing>().AsNoTracking();
        if (filter.ShopId is { } shop) listings = listings.Where(l => l.ShopId == shop);
        if (filter.Match is { } match) listings = listings.Where(l => l.Match == match);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var upper = Sku.Normalize(term);
            listings = listings.Where(l => (l.NormalizedSellerCode != null && l.NormalizedSellerCode.StartsWith(upper)) || l.PlatformItemId == term
                                           || (l.Title != null && l.Title.Contains(term)));
        }
        if (page.AfterKey() is { } after && Guid.TryParse(after, out var afterId)) listings = listings.Where(l => l.Id.CompareTo(afterId) > 0);
        var found = await listings.OrderBy(l => l.Id).Take(page.Limit + 1).ToListAsync(ct);
        var skuIds = found.Select(l => l.SkuId).OfType<Guid>().Distinct().ToList();
        var skus = await db.Set<Sku>().AsNoTracking().Where(s => skuIds.Contains(s.Id)).Select(s => new { s.Id, s.Code, s.Spec }).ToDictionaryAsync(s => s.Id, ct);
        var rows = found.Select(l => new ListingRow(l.Id, l.ShopId, l.PlatformItemId, l.PlatformSkuId, l.SellerCode, l.Barcode, l.Title, l.Spec, l.Price,
            l.SkuId, l.SkuId is { } id ? skus[id].Code : null, l.SkuId is { } sid ? skus[sid].Spec : null, l.Multiplier, l.Match, l.MatchedBy)).ToList();
        return Page.From(rows, page.Limit, r => r.Id.ToString());
    }

    /// <summary>
    /// Up to three suggestions for each of (at most 100) listings: the same code written with other separators, an
    /// N-pack of a code ("RED-2PK", "RED*2", "2X-RED", "RED 3件装"), or a product whose name the title contains.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Suggestion>>> SuggestAsync(IReadOnlyList<Guid> listingIds, CancellationToken ct)
    {
        if (listingIds.Count > 100) throw new InputRejectedException("ids", "too_many", "Ask for at most 100 listings at a time.", 100);
        var listings = await db.Set<ShopListing>().AsNoTracking().Where(l => listingIds.Contains(l.Id)).ToListAsync(ct);
        var wanted = new Dictionary<Guid, List<(string Compact, int Multiplier, string Reason)>>();
        foreach (var listing in listings)
        {
            var keys = new List<(string, int, string)>();
            if (listing.NormalizedSellerCode is { Length: > 0 } code)
            {
                keys.Add((CatalogCode.CompactOf(code), 1, "compact"));
                if (Pack(code) is var (baseCode, n)) keys.Add((CatalogCode.CompactOf(baseCode), n, "pack"));
            }
            wanted[listing.Id] = keys;
        }
        var compacts = wanted.Values.SelectMany(k => k.Select(x => x.Compact)).Where(c => c.Length > 0).Distinct().ToList();
        var byCompact = (await db.Set<CatalogCode>().AsNoTracking().Where(c => compacts.Contains(c.Compact))
                .Join(db.Set<Sku>(), c => c.SkuId, s => s.Id, (c, s) => new { c.Compact, s.Id, s.Code, s.Spec, s.ProductId, s.Active })
                .Join(db.Set<Product>(), x => x.ProductId, p => p.Id, (x, p) => new { x.Compact, x.Id, x.Code, x.Spec, x.Active, p.Name })
                .ToListAsync(ct))
            .Where(x => x.Active).ToLookup(x => x.Compact);
        var result = new Dictionary<Guid, IReadOnlyList<Suggestion>>();
        foreach (var listing in listings)
        {
            var found = wanted[listing.Id].SelectMany(k => byCompact[k.Compact].Select(x => new Suggestion(x.Id, x.Code, x.Spec, x.Name, k.Multiplier, k.Reason))).ToList();
            if (found.Count < 3 && listing.Title is { Length: > 1 } title) found.AddRange(await ByNameAsync(title, listing.Spec, ct));
            result[listing.Id] = found.DistinctBy(s => (s.SkuId, s.Multiplier)).Take(3).ToList();
        }
        return result;
    }

    /// <summary>Maps listings to SKUs (by code, alias or barcode) with multipliers; every bad item is named and nothing is kept unless all are good.</summary>
    public async Task<MapResult> MapAsync(MapRequest request, CancellationToken ct)
    {
        var items = request.Items ?? [];
        var check = new InputCheck();
        if (items.Count == 0) check.Add("items", "required", "items is empty.");
        var ids = items.Select(i => i?.ListingId ?? Guid.Empty).Distinct().ToList();
        var listings = new Dictionary<Guid, ShopListing>();
        foreach (var chunk in ids.Chunk(Chunk))
            foreach (var listing in await db.Set<ShopListing>().Where(l => chunk.Contains(l.Id)).ToListAsync(ct))
                listings[listing.Id] = listing;
        var codes = await RegistryAsync(items.Select(i => i?.SkuCode is null ? null : Sku.Normalize(i.SkuCode)), ct);
        var active = new HashSet<Guid>();
        foreach (var chunk in codes.Values.Select(c => c.SkuId).Distinct().Chunk(Chunk))
            active.UnionWith(await db.Set<Sku>().Where(s => chunk.Contains(s.Id) && s.Active).Select(s => s.Id).ToListAsync(ct));
        for (var i = 0; i < items.Count; i++)
        {
            var prefix = $"items[{i}]";
            if (items[i] is not { } item) { check.Add(prefix, "required", $"{prefix} is empty."); continue; }
            if (!listings.TryGetValue(item.ListingId, out var listing)) { check.Add($"{prefix}.listingId", "not_found", "The listing does not exist."); continue; }
            if (string.IsNullOrWhiteSpace(item.SkuCode)) { check.Add($"{prefix}.skuCode", "required", "skuCode is required."); continue; }
            if (!codes.TryGetValue(Sku.Normalize(item.SkuCode), out var sku)) { check.Add($"{prefix}.skuCode", "unknown_sku", $"No SKU has the code '{item.SkuCode}'.", item.SkuCode); continue; }
            if (!active.Contains(sku.SkuId)) { check.Add($"{prefix}.skuCode", "inactive_sku", $"{item.SkuCode} is inactive.", item.SkuCode); continue; }
            listing.MapTo(sku.SkuId, item.Multiplier ?? 1, prefix, check);
        }
        check.ThrowIfAny();
        await db.SaveChangesAsync(ct);
        return new MapResult(items.Count, LaterOrdersOnly);
    }

    public async Task<MapResult> UnmapAsync(Guid listingId, CancellationToken ct)
    {
        var listing = await db.Set<ShopListing>().SingleOrDefaultAsync(l => l.Id == listingId, ct) ?? throw new NotFoundException("shop_listing", listingId);
        listing.Unmap();
        await db.SaveChangesAsync(ct);
        return new MapResult(1, LaterOrdersOnly);
    }

    private async Task<Dictionary<string, (Guid SkuId, CodeKind Kind)>> RegistryAsync(IEnumerable<string?> values, CancellationToken ct)
    {
        var result = new Dictionary<string, (Guid, CodeKind)>(StringComparer.Ordinal);
        foreach (var chunk in values.OfType<string>().Where(v => v.Length > 0).Distinct().Chunk(Chunk))
            foreach (var row in await db.Set<CatalogCode>().AsNoTracking().Where(c => chunk.Contains(c.Value)).Select(c => new { c.Value, c.SkuId, c.Kind }).ToListAsync(ct))
                result[row.Value] = (row.SkuId, row.Kind);
        return result;
    }

    /// <summary>Products whose whole name appears in the title, longest name first; the SKU whose spec the listing's spec or title mentions.</summary>
    private async Task<IEnumerable<Suggestion>> ByNameAsync(string title, string? spec, CancellationToken ct)
    {
        var skus = await db.Set<Product>().AsNoTracking().Where(p => p.Active && p.Name.Length >= 2 && title.Contains(p.Name))
            .OrderByDescending(p => p.Name.Length).Take(3)
            .Join(db.Set<Sku>().Where(s => s.Active), p => p.Id, s => s.ProductId, (p, s) => new { s.Id, s.Code, s.Spec, p.Name })
            .ToListAsync(ct);
        var text = $"{title} {spec}";
        return skus.OrderByDescending(s => s.Spec is { Length: > 0 } sp && sp.Split(' ', StringSplitOptions.RemoveEmptyEntries).All(text.Contains))
            .ThenBy(s => s.Code, StringComparer.Ordinal)
            .Select(s => new Suggestion(s.Id, s.Code, s.Spec, s.Name, 1, "name"));
    }

    /// <summary>"RED-2PK", "RED*2", "RED×2", "2X-RED", "RED 3件装" → (RED, n); null when the code names no pack.</summary>
    public static (string Code, int Multiplier)? Pack(string normalized)
    {
        var match = PackPattern().Match(normalized);
        if (!match.Success) return null;
        var number = match.Groups["n1"].Success ? match.Groups["n1"].Value : match.Groups["n2"].Success ? match.Groups["n2"].Value : match.Groups["n3"].Value;
        var code = (match.Groups["c1"].Success ? match.Groups["c1"].Value : match.Groups["c2"].Success ? match.Groups["c2"].Value : match.Groups["c3"].Value)
            .Trim(' ', '-', '_', '/', '.');
        return int.TryParse(number, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 1 and <= ShopListing.MaxMultiplier && code.Length > 0
            ? (code, n) : null;
    }

    [GeneratedRegex(@"^(?:(?<c1>.+?)[-_ ]?[X*×](?<n1>\d{1,3})|(?<c2>.+?)[-_ ]?(?<n2>\d{1,3})(?:PK|PACK|PCS|P|件装|只装|个装|瓶装|盒装|支装|装|件)|(?<n3>\d{1,3})[X*×][-_ ]?(?<c3>.+))$")]
    private static partial Regex PackPattern();
}
