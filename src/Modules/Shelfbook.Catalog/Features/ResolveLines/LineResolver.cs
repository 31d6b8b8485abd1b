using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Data;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ResolveLines;

/// <summary>
/// <see cref="IResolveLines"/> over the tenant database. A batch costs a handful of queries per 1,000 distinct keys
/// (listings, codes, SKUs, combo levels) plus one for the rules and one for the settings; the lines themselves are
/// resolved in memory, each distinct (SKU, quantity) path computed once.
/// </summary>
public sealed class LineResolver(TenantDbContext db) : IResolveLines
{
    /// <summary>
    /// Keys per query. Each chunk travels as one collection parameter (<c>EF.Parameter</c>: json_each on SQLite,
    /// = ANY on PostgreSQL): thousands of scalar parameters cost SQLite a quadratic name lookup when binding.
    /// </summary>
    private const int Chunk = 10_000;

    private sealed record SkuFacts(Guid Id, string Code, bool Active, SkuKind Kind, long RetailPrice, long CostPrice);

    private sealed record ListingFacts(Guid Id, Guid ShopId, string ItemId, string SkuId, Guid? MappedSkuId, int Multiplier, string? NormalizedSellerCode);

    private sealed record RuleFacts(Guid Id, Guid FromSkuId, Guid ToSkuId, int Factor, Guid? ShopId, DateTime? StartsAt, DateTime? EndsAt, bool OnlyWhenOutOfStock, DateTime CreatedAt);

    private readonly Dictionary<Guid, SkuFacts> _skus = [];

    public async Task<IReadOnlyList<Resolution>> ResolveAsync(IReadOnlyList<LineToResolve> lines, AvailableStock? available = null, CancellationToken ct = default)
    {
        // What one batch read is true for that batch only: a second call reads again.
        _skus.Clear();
        var nulls = lines.Select((l, i) => (l, i)).Where(x => x.l is null).Select(x => new FieldError($"lines[{x.i}]", "required", $"lines[{x.i}] is empty.")).ToList();
        if (nulls.Count > 0) throw new InputRejectedException(nulls);
        if (lines.Count == 0) return [];
        var now = db.Time.GetUtcNow().UtcDateTime;
        var listings = await ListingsAsync(lines, ct);
        // Per line, once: its listing and its seller code as the registry spells codes.
        var listingOf = new ListingFacts?[lines.Count];
        var codeOf = new string?[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            listingOf[i] = line.ShopId is { } shop && !string.IsNullOrEmpty(line.PlatformItemId)
                ? listings.GetValueOrDefault((shop, line.PlatformItemId, line.PlatformSkuId ?? ""))
                : null;
            codeOf[i] = !string.IsNullOrWhiteSpace(line.SellerCode) ? Sku.Normalize(line.SellerCode) : listingOf[i]?.NormalizedSellerCode;
        }
        var codes = await CodesAsync(codeOf.Where((_, i) => listingOf[i] is not { MappedSkuId: not null }), ct);
        var rules = (await db.Set<SkuReplacement>().AsNoTracking().Where(r => r.Active)
                .Select(r => new RuleFacts(r.Id, r.FromSkuId, r.ToSkuId, r.Factor, r.ShopId, r.StartsAt, r.EndsAt, r.OnlyWhenOutOfStock, r.CreatedAt))
                .ToListAsync(ct))
            .GroupBy(r => r.FromSkuId)
            // The most specific rule speaks first: this shop's before every shop's, then the newest.
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.ShopId is null).ThenByDescending(r => r.CreatedAt).ToList());
        await LoadSkusAsync(listings.Values.Select(l => l.MappedSkuId).OfType<Guid>().Concat(codes.Values).Concat(rules.Values.SelectMany(r => r).Select(r => r.ToSkuId)), ct);
        var graph = await ComboGraphs.LoadAsync(db, _skus.Values.Where(s => s.Kind == SkuKind.Combo).Select(s => s.Id), ct);
        await LoadSkusAsync(graph.ComboIds.SelectMany(c => graph.ComponentsOf(c)).Select(c => c.Component), ct);
        var basis = (await db.Set<CatalogSettings>().AsNoTracking().SingleOrDefaultAsync(ct))?.ComboPriceBasis ?? ComboPriceBasis.RetailPrice;
        // Every combo flattened once, up front, so that the loop below only reads.
        var flattened = new Dictionary<Guid, IReadOnlyList<(Guid Sku, long Quantity)>?>();
        foreach (var combo in graph.ComboIds)
        {
            try { flattened[combo] = graph.Flatten(combo); }
            catch (RuleViolatedException) { flattened[combo] = null; }
        }
        IReadOnlyList<(Guid Sku, long Quantity)>? Flat(Guid combo) => flattened.GetValueOrDefault(combo);
        var results = new Resolution[lines.Count];
        // Lines are independent and everything above is only read from here on: ranges of lines go to every core.
        try
        {
            Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, lines.Count, 10_000), new ParallelOptions { CancellationToken = ct }, range =>
            {
                var parts = new List<(SkuFacts Sku, long Quantity, Guid? Combo, Guid? Replaced)>();
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var line = lines[i];
                    var listing = listingOf[i];
                    Guid? skuId = listing?.MappedSkuId;
                    var multiplier = skuId is null ? 1 : listing!.Multiplier;
                    if (skuId is null && codeOf[i] is { } code && codes.TryGetValue(code, out var byCode)) skuId = byCode;
                    if (line.Quantity <= 0)
                    {
                        results[i] = Failed(skuId, multiplier, listing, new("bad_quantity", $"Quantity {line.Quantity} is not a positive number.", line.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                        continue;
                    }
                    if (skuId is not { } mapped)
                    {
                        var value = line.SellerCode ?? listing?.NormalizedSellerCode ?? $"{line.PlatformItemId}/{line.PlatformSkuId}";
                        results[i] = Failed(null, 1, listing, new("unmapped", $"'{value}' is not mapped to a SKU.", value));
                        continue;
                    }
                    var sku = _skus[mapped];
                    // Rules keep UTC; an order time with an offset (or the server's local kind) is brought to UTC first.
                    var at = line.OrderedAt is { } ordered ? TenantTime.FromApi(ordered) : now;
                    var quantity = (long)line.Quantity * multiplier;
                    var (target, targetQuantity, rule) = Replace(sku, quantity, line.ShopId, at, rules, available, Flat);
                    parts.Clear();
                    ResolutionFailure? failure = null;
                    if (!target.Active) failure = new("inactive_sku", $"SKU {target.Code} is inactive.", target.Code);
                    else if (target.Kind == SkuKind.Combo)
                    {
                        var flat = Flat(target.Id);
                        if (flat is null) failure = new("combo_cycle", $"Combo {target.Code} contains itself.", target.Code);
                        else
                            foreach (var (componentId, each) in flat)
                            {
                                var (part, partQuantity, partRule) = Replace(_skus[componentId], each * targetQuantity, line.ShopId, at, rules, available, Flat);
                                // A part replaced by a combo is picked as that combo's parts (not replaced again).
                                List<(SkuFacts, long)> pieces = [(part, partQuantity)];
                                if (part.Kind == SkuKind.Combo)
                                {
                                    if (Flat(part.Id) is not { } inner)
                                    {
                                        failure = new("combo_cycle", $"Combo {part.Code} contains itself.", part.Code);
                                        break;
                                    }
                                    pieces = inner.Select(x => (_skus[x.Sku], x.Quantity * partQuantity)).ToList();
                                }
                                foreach (var (piece, pieceQuantity) in pieces)
                                {
                                    if (!piece.Active)
                                    {
                                        failure = new("inactive_sku", $"SKU {piece.Code} in combo {target.Code} is inactive.", piece.Code);
                                        break;
                                    }
                                    parts.Add((piece, pieceQuantity, target.Id, partRule is null ? null : componentId));
                                }
                                if (failure is not null) break;
                            }
                    }
                    else parts.Add((target, targetQuantity, null, rule is null ? null : sku.Id));
                    if (failure is not null)
                    {
                        results[i] = Failed(mapped, multiplier, listing, failure, rule?.Id);
                        continue;
                    }
                    var resolved = new ResolvedPart[parts.Count];
                    if (parts.Count == 1)
                    {
                        var (one, count, combo, replaced) = parts[0];
                        resolved[0] = new ResolvedPart(one.Id, one.Code, count, line.Amount, combo, replaced);
                    }
                    else
                    {
                        var weights = new long[parts.Count];
                        for (var j = 0; j < parts.Count; j++) weights[j] = (basis == ComboPriceBasis.CostPrice ? parts[j].Sku.CostPrice : parts[j].Sku.RetailPrice) * parts[j].Quantity;
                        // Parts without prices share by quantity, not evenly per line.
                        if (weights.All(w => w == 0))
                            for (var j = 0; j < parts.Count; j++) weights[j] = parts[j].Quantity;
                        var amounts = Apportion.Split(line.Amount, weights);
                        for (var j = 0; j < parts.Count; j++) resolved[j] = new ResolvedPart(parts[j].Sku.Id, parts[j].Sku.Code, parts[j].Quantity, amounts[j], parts[j].Combo, parts[j].Replaced);
                    }
                    results[i] = new Resolution(mapped, sku.Code, multiplier, resolved, ListingId: listing?.Id, ReplacementId: rule?.Id);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            // What went wrong on a worker thread surfaces as itself (and so is explained as it would be on this one).
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return results;
    }


    private static Resolution Failed(Guid? skuId, int multiplier, ListingFacts? listing, ResolutionFailure failure, Guid? rule = null) =>
        new(skuId, null, multiplier, [], failure, listing?.Id, rule);

    /// <summary>One step of replacement: the first rule that speaks for this shop and time (and, if it says so, only while stock is short).</summary>
    private (SkuFacts Sku, long Quantity, RuleFacts? Rule) Replace(
        SkuFacts sku, long quantity, Guid? shopId, DateTime at, Dictionary<Guid, List<RuleFacts>> rules, AvailableStock? available,
        Func<Guid, IReadOnlyList<(Guid Sku, long Quantity)>?> flat)
    {
        if (!rules.TryGetValue(sku.Id, out var candidates)) return (sku, quantity, null);
        foreach (var rule in candidates)
        {
            if (rule.ShopId is { } shop && shop != shopId) continue;
            if ((rule.StartsAt is { } start && at < start) || (rule.EndsAt is { } end && at >= end)) continue;
            // A combo has no stock of its own: it is short when its parts are (a combo in a cycle counts as not short;
            // its line then fails as combo_cycle).
            if (rule.OnlyWhenOutOfStock && (available is null || (sku.Kind == SkuKind.Combo
                    ? flat(sku.Id) is not { } parts || parts.Select(p => Math.Max(0, available(p.Sku)) / p.Quantity).DefaultIfEmpty(0).Min() >= quantity
                    : available(sku.Id) >= quantity))) continue;
            return (_skus[rule.ToSkuId], quantity * rule.Factor, rule);
        }
        return (sku, quantity, null);
    }

    private async Task<Dictionary<(Guid, string, string), ListingFacts>> ListingsAsync(IReadOnlyList<LineToResolve> lines, CancellationToken ct)
    {
        var result = new Dictionary<(Guid, string, string), ListingFacts>();
        foreach (var shop in lines.Where(l => l.ShopId is not null && !string.IsNullOrEmpty(l.PlatformItemId)).GroupBy(l => l.ShopId!.Value))
            foreach (var chunk in shop.Select(l => l.PlatformItemId!).Distinct().Chunk(Chunk))
            {
                var shopId = shop.Key;
                var rows = await db.Set<ShopListing>().AsNoTracking().Where(l => l.ShopId == shopId && EF.Parameter(chunk).Contains(l.PlatformItemId))
                    .Select(l => new ListingFacts(l.Id, l.ShopId, l.PlatformItemId, l.PlatformSkuId, l.SkuId, l.Multiplier, l.NormalizedSellerCode))
                    .ToListAsync(ct);
                foreach (var row in rows) result[(row.ShopId, row.ItemId, row.SkuId)] = row;
            }
        return result;
    }

    /// <summary>Codes to SKUs, with the SKUs' facts in the same query (one round trip per chunk, not two).</summary>
    private async Task<Dictionary<string, Guid>> CodesAsync(IEnumerable<string?> codes, CancellationToken ct)
    {
        var wanted = codes.OfType<string>().Where(c => c.Length > 0).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, Guid>(wanted.Count, StringComparer.Ordinal);
        if (wanted.Count >= WholeTableFrom && wanted.Count * 3 >= await db.Set<CatalogCode>().CountAsync(ct))
        {
            // A batch that names a good part of the registry reads it in one pass: cheaper than probing for each.
            await foreach (var row in db.Set<CatalogCode>().AsNoTracking().Select(c => new { c.Value, c.SkuId }).AsAsyncEnumerable().WithCancellation(ct))
                if (wanted.Contains(row.Value)) result[row.Value] = row.SkuId;
            return result;
        }
        foreach (var chunk in wanted.Chunk(Chunk))
            foreach (var row in await db.Set<CatalogCode>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Value)).Select(c => new { c.Value, c.SkuId }).ToListAsync(ct))
                result[row.Value] = row.SkuId;
        return result;
    }

    /// <summary>
    /// From this many distinct keys, and a third of the table or more, a batch reads the whole registry (or SKU
    /// table) in one pass instead of probing the index chunk by chunk. Tests lower it to cover both paths.
    /// </summary>
    public int WholeTableFrom { get; init; } = 20_000;

    private async Task LoadSkusAsync(IEnumerable<Guid> ids, CancellationToken ct)
    {
        var missing = ids.Where(id => !_skus.ContainsKey(id)).ToHashSet();
        if (missing.Count >= WholeTableFrom && missing.Count * 3 >= await db.Set<Sku>().CountAsync(ct))
        {
            await foreach (var sku in db.Set<Sku>().AsNoTracking().Select(s => new SkuFacts(s.Id, s.Code, s.Active, s.Kind, s.RetailPrice, s.CostPrice))
                               .AsAsyncEnumerable().WithCancellation(ct))
                if (missing.Contains(sku.Id)) _skus[sku.Id] = sku;
            return;
        }
        foreach (var chunk in missing.Chunk(Chunk))
            foreach (var sku in await db.Set<Sku>().AsNoTracking().Where(s => EF.Parameter(chunk).Contains(s.Id))
                         .Select(s => new SkuFacts(s.Id, s.Code, s.Active, s.Kind, s.RetailPrice, s.CostPrice)).ToListAsync(ct))
                _skus[sku.Id] = sku;
    }
}
