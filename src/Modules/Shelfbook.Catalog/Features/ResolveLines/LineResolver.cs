using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Data;
using Shelfbook.Catalog.Domain;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;

namespace Shelfbook.Catalog.Features.ResolveLines;

/// <summary>
/// <see cref="IResolveLines"/> over the tenant database. A small batch costs a handful of queries per 10,000 distinct
/// keys (listings, codes, SKUs, combo levels) plus one for the rules and one for the settings. A large batch (from
/// <see cref="WholeTableFrom"/> lines) reads the whole catalog side once into a snapshot that later batches reuse
/// for as long as the catalog's version (<see cref="CatalogStamp"/>) stays the same; only the listings are read per
/// batch. The lines themselves are resolved in memory on every core.
/// </summary>
public sealed class LineResolver(TenantDbContext db, ResolutionSnapshots? snapshots = null) : IResolveLines
{
    /// <summary>
    /// Keys per query. Each chunk travels as one collection parameter (<c>EF.Parameter</c>: json_each on SQLite,
    /// = ANY on PostgreSQL): thousands of scalar parameters cost SQLite a quadratic name lookup when binding.
    /// </summary>
    private const int Chunk = 10_000;

    private sealed record ListingFacts(Guid Id, Guid ShopId, string ItemId, string SkuId, Guid? MappedSkuId, int Multiplier, string? NormalizedSellerCode);

    /// <summary>
    /// From this many lines a batch reads the whole catalog side (codes, SKUs, combos) in one pass instead of probing
    /// the indexes chunk by chunk, and keeps it as the tenant's snapshot. Tests lower it to cover both paths.
    /// </summary>
    public int WholeTableFrom { get; init; } = 20_000;

    public async Task<IReadOnlyList<Resolution>> ResolveAsync(IReadOnlyList<LineToResolve> lines, AvailableStock? available = null, CancellationToken ct = default)
    {
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
        // The version is read after the listings: a listing mapped to a SKU newer than a kept snapshot finds the
        // version moved on and the snapshot is not used.
        var codesNamed = codeOf.Where((c, i) => listingOf[i] is not { MappedSkuId: not null }).OfType<string>().Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var facts = await SnapshotAsync(lines.Count, listings.Values, codesNamed, ct) ?? await ProbeAsync(listings.Values, codesNamed, ct);
        var (codes, skus, rules, flattened, basis) = (facts.Codes, facts.Skus, facts.Rules, facts.Flattened, facts.Basis);
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
                    var sku = skus[mapped];
                    // Rules keep UTC; an order time with an offset (or the server's local kind) is brought to UTC first.
                    var at = line.OrderedAt is { } ordered ? TenantTime.FromApi(ordered) : now;
                    var quantity = (long)line.Quantity * multiplier;
                    var (target, targetQuantity, rule) = Replace(facts, sku, quantity, line.ShopId, at, available);
                    parts.Clear();
                    ResolutionFailure? failure = null;
                    if (!target.Active) failure = new("inactive_sku", $"SKU {target.Code} is inactive.", target.Code);
                    else if (target.Kind == SkuKind.Combo)
                    {
                        if (flattened.GetValueOrDefault(target.Id) is not { } flat) failure = new("combo_cycle", $"Combo {target.Code} contains itself.", target.Code);
                        else
                            foreach (var (componentId, each) in flat)
                            {
                                var (part, partQuantity, partRule) = Replace(facts, skus[componentId], each * targetQuantity, line.ShopId, at, available);
                                var replaced = partRule is null ? (Guid?)null : componentId;
                                if (part.Kind != SkuKind.Combo)
                                {
                                    if (!part.Active) failure = new("inactive_sku", $"SKU {part.Code} in combo {target.Code} is inactive.", part.Code);
                                    else parts.Add((part, partQuantity, target.Id, replaced));
                                }
                                // A part replaced by a combo is picked as that combo's parts (not replaced again).
                                else if (flattened.GetValueOrDefault(part.Id) is not { } inner) failure = new("combo_cycle", $"Combo {part.Code} contains itself.", part.Code);
                                else
                                    foreach (var (pieceId, pieceEach) in inner)
                                    {
                                        var piece = skus[pieceId];
                                        if (!piece.Active)
                                        {
                                            failure = new("inactive_sku", $"SKU {piece.Code} in combo {target.Code} is inactive.", piece.Code);
                                            break;
                                        }
                                        parts.Add((piece, pieceEach * partQuantity, target.Id, replaced));
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
                        if (Array.TrueForAll(weights, w => w == 0))
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
    private static (SkuFacts Sku, long Quantity, RuleFacts? Rule) Replace(
        ResolutionFacts facts, SkuFacts sku, long quantity, Guid? shopId, DateTime at, AvailableStock? available)
    {
        if (facts.Rules.Count == 0 || !facts.Rules.TryGetValue(sku.Id, out var candidates)) return (sku, quantity, null);
        foreach (var rule in candidates)
        {
            if (rule.ShopId is { } shop && shop != shopId) continue;
            if ((rule.StartsAt is { } start && at < start) || (rule.EndsAt is { } end && at >= end)) continue;
            // A combo has no stock of its own: it is short when its parts are (a combo in a cycle counts as not short;
            // its line then fails as combo_cycle).
            if (rule.OnlyWhenOutOfStock && (available is null || (sku.Kind == SkuKind.Combo
                    ? facts.Flattened.GetValueOrDefault(sku.Id) is not { } parts || parts.Select(p => Math.Max(0, available(p.Sku)) / p.Quantity).DefaultIfEmpty(0).Min() >= quantity
                    : available(sku.Id) >= quantity))) continue;
            return (facts.Skus[rule.ToSkuId], quantity * rule.Factor, rule);
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

    /// <summary>
    /// The tenant's kept snapshot if it is still the catalog's current version and knows every SKU and code the batch
    /// names; or, for a large batch, the whole catalog side read now (and kept, unless the batch runs inside a
    /// transaction, whose uncommitted changes other readers must not see); or nothing, and the batch probes for what
    /// it names. New codes do not move the version (SQLite fires a trigger per row, which would cost an import a write
    /// per code): a code the snapshot lacks is looked up, and if the registry has it the snapshot is read again.
    /// </summary>
    private async Task<ResolutionFacts?> SnapshotAsync(int lineCount, IEnumerable<ListingFacts> listings, IReadOnlyList<string> codesNamed, CancellationToken ct)
    {
        // Inside a transaction the batch may have changed the catalog itself (and on PostgreSQL the version moves only
        // when it commits): it probes for what it names and neither uses nor keeps a snapshot.
        if (db.Database.CurrentTransaction is not null) return null;
        var database = db.Database.GetConnectionString();
        var version = await db.Set<CatalogStamp>().AsNoTracking().Select(s => (long?)s.Version).SingleOrDefaultAsync(ct);
        // Without the stamp row (a damaged database) nothing could tell a snapshot is stale: none is kept.
        if (database is null || version is null || snapshots is null) return lineCount < WholeTableFrom ? null : await LoadAllAsync(ct);
        var kept = snapshots.Get(database, version.Value);
        if (kept is not null && listings.All(l => l.MappedSkuId is not { } id || kept.Skus.ContainsKey(id)))
        {
            var unknown = codesNamed.Where(c => !kept.Codes.ContainsKey(c)).ToList();
            var stale = false;
            foreach (var chunk in unknown.Chunk(Chunk))
                if (stale = await db.Set<CatalogCode>().AnyAsync(c => EF.Parameter(chunk).Contains(c.Value), ct)) break;
            if (!stale)
            {
                snapshots.Hit();
                return kept;
            }
        }
        if (lineCount < WholeTableFrom) return null;
        var facts = await LoadAllAsync(ct);
        snapshots.Store(database, version.Value, facts);
        return facts;
    }

    /// <summary>
    /// Every code, SKU and combo of the tenant, in one pass over each table. SKUs are read last: they are never deleted,
    /// so whatever a code, combo or rule read before them names is among them even if a writer commits in between.
    /// </summary>
    private async Task<ResolutionFacts> LoadAllAsync(CancellationToken ct)
    {
        var codes = new Dictionary<string, Guid>(StringComparer.Ordinal);
        await foreach (var row in db.Set<CatalogCode>().AsNoTracking().Select(c => new { c.Value, c.SkuId }).AsAsyncEnumerable().WithCancellation(ct))
            codes[row.Value] = row.SkuId;
        var edges = new Dictionary<Guid, IReadOnlyList<(Guid, int)>>();
        await foreach (var row in db.Set<ComboComponent>().AsNoTracking().OrderBy(c => c.ComboSkuId).ThenBy(c => c.Line)
                           .Select(c => new { c.ComboSkuId, c.ComponentSkuId, c.Quantity }).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (!edges.TryGetValue(row.ComboSkuId, out var components)) edges[row.ComboSkuId] = components = new List<(Guid, int)>();
            ((List<(Guid, int)>)components).Add((row.ComponentSkuId, row.Quantity));
        }
        var rules = await RulesAsync(ct);
        var basis = await BasisAsync(ct);
        var skus = new Dictionary<Guid, SkuFacts>();
        await foreach (var sku in db.Set<Sku>().AsNoTracking().Select(s => new SkuFacts(s.Id, s.Code, s.Active, s.Kind, s.RetailPrice, s.CostPrice))
                           .AsAsyncEnumerable().WithCancellation(ct))
            skus[sku.Id] = sku;
        return new ResolutionFacts(codes, skus, rules, Flatten(new ComboGraph(edges)), basis);
    }

    /// <summary>Only what this batch names: its codes, the SKUs they and the listings point to, their combos' parts.</summary>
    private async Task<ResolutionFacts> ProbeAsync(IEnumerable<ListingFacts> listings, IReadOnlyList<string> codesNamed, CancellationToken ct)
    {
        var codes = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in codesNamed.Chunk(Chunk))
            foreach (var row in await db.Set<CatalogCode>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.Value)).Select(c => new { c.Value, c.SkuId }).ToListAsync(ct))
                codes[row.Value] = row.SkuId;
        var rules = await RulesAsync(ct);
        var skus = new Dictionary<Guid, SkuFacts>();
        await LoadSkusAsync(skus, listings.Select(l => l.MappedSkuId).OfType<Guid>().Concat(codes.Values).Concat(rules.Values.SelectMany(r => r).Select(r => r.ToSkuId)), ct);
        var graph = await ComboGraphs.LoadAsync(db, skus.Values.Where(s => s.Kind == SkuKind.Combo).Select(s => s.Id), ct);
        await LoadSkusAsync(skus, graph.ComboIds.SelectMany(c => graph.ComponentsOf(c)).Select(c => c.Component), ct);
        return new ResolutionFacts(codes, skus, rules, Flatten(graph), await BasisAsync(ct));
    }

    private async Task<Dictionary<Guid, List<RuleFacts>>> RulesAsync(CancellationToken ct) =>
        (await db.Set<SkuReplacement>().AsNoTracking().Where(r => r.Active)
            .Select(r => new RuleFacts(r.Id, r.FromSkuId, r.ToSkuId, r.Factor, r.ShopId, r.StartsAt, r.EndsAt, r.OnlyWhenOutOfStock, r.CreatedAt))
            .ToListAsync(ct))
        .GroupBy(r => r.FromSkuId)
        // The most specific rule speaks first: this shop's before every shop's, then the newest.
        .ToDictionary(g => g.Key, g => g.OrderBy(r => r.ShopId is null).ThenByDescending(r => r.CreatedAt).ToList());

    private async Task<ComboPriceBasis> BasisAsync(CancellationToken ct) =>
        (await db.Set<CatalogSettings>().AsNoTracking().SingleOrDefaultAsync(ct))?.ComboPriceBasis ?? ComboPriceBasis.RetailPrice;

    /// <summary>Every combo flattened once, up front, so that resolving lines only reads (null: the combo is in a cycle).</summary>
    private static Dictionary<Guid, IReadOnlyList<(Guid Sku, long Quantity)>?> Flatten(ComboGraph graph)
    {
        var flattened = new Dictionary<Guid, IReadOnlyList<(Guid Sku, long Quantity)>?>();
        foreach (var combo in graph.ComboIds)
        {
            try { flattened[combo] = graph.Flatten(combo); }
            catch (RuleViolatedException) { flattened[combo] = null; }
        }
        return flattened;
    }

    private async Task LoadSkusAsync(Dictionary<Guid, SkuFacts> skus, IEnumerable<Guid> ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Where(id => !skus.ContainsKey(id)).Distinct().Chunk(Chunk))
            foreach (var sku in await db.Set<Sku>().AsNoTracking().Where(s => EF.Parameter(chunk).Contains(s.Id))
                         .Select(s => new SkuFacts(s.Id, s.Code, s.Active, s.Kind, s.RetailPrice, s.CostPrice)).ToListAsync(ct))
                skus[sku.Id] = sku;
    }
}
