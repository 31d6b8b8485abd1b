using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Data;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.StockDocuments;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Inventory.Features.Stocktakes;

/// <summary>
/// A count sheet to start: the whole warehouse (every SKU with stock there), or only some SKU codes, some categories or some
/// bins (each SKU's default bin; a code takes the bins it begins, "A-01" takes "A-01-03"), one kind of limit at a time.
/// </summary>
public sealed record StartStocktakeInput(
    Guid? WarehouseId, bool Blind = false, IReadOnlyList<Guid>? CategoryIds = null, IReadOnlyList<string>? SkuCodes = null, string? Note = null,
    IReadOnlyList<string>? Bins = null);

/// <summary>
/// One count: the SKU by id or by a scanned code (barcode, alias), how many, and whether the number replaces the line's
/// count (<c>Set</c>, typed) or adds to it (<c>Add</c>, scanned: one scan is one unit unless a quantity is given).
/// </summary>
public sealed record CountInput(Guid? SkuId = null, string? Code = null, int? Quantity = null, string? Mode = null, string? Condition = null);

public sealed record PostStocktakeInput(string? Reason = null, bool UncountedAsZero = false);

public sealed record StocktakeView(
    Guid Id, string No, Guid WarehouseId, string WarehouseCode, string Status, bool Blind, string Scope, string? Note, string Reason,
    int Lines, int Counted, int Differences, long GainQuantity, long LossQuantity, long GainValue, long LossValue,
    string CreatedBy, DateTime CreatedAt, string? PostedBy, DateTime? PostedAt);

/// <summary>
/// A line as the review page shows it. In blind mode, while counting, the book figures are null. MovementsSince is what
/// moved between the snapshot and the count (or now, when not counted yet); Difference = Counted − (Snapshot + MovementsSince).
/// </summary>
public sealed record StocktakeLineView(
    Guid SkuId, string SkuCode, string SkuName, string Condition, long? Snapshot, long? MovementsSince, int? Counted, long? Difference, long UnitCost,
    long? DifferenceValue, DateTime? CountedAt, string? CountedBy);

public sealed record StocktakeLineFilter(string? Search = null, bool DifferencesOnly = false, bool UncountedOnly = false);

/// <summary>Count sheets (盘点): start (snapshot), count line by line, review, post gains and losses, or cancel.</summary>
public sealed class ManageStocktakes(TenantDbContext db, ISkuDirectory skus, StockPosting posting, CurrentUser user, IEnumerable<IBinDirectory> binDirectories)
{
    public const int MaxLines = 200_000;

    private DateTime Now => db.Time.StoredUtcNow();

    public async Task<StocktakeView> StartAsync(StartStocktakeInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var note = check.Optional("note", input.Note, 500);
        var warehouse = input.WarehouseId is { } wid ? await db.Set<Warehouse>().AsNoTracking().SingleOrDefaultAsync(w => w.Id == wid, ct) : null;
        if (input.WarehouseId is null) check.Add("warehouseId", "required", "warehouseId is required.");
        else if (warehouse is null) check.Add("warehouseId", "unknown_warehouse", $"No warehouse has the id {input.WarehouseId}.", input.WarehouseId);
        else if (!warehouse.Active) check.Add("warehouseId", "inactive_warehouse", "The warehouse is inactive.");
        var codes = input.SkuCodes?.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).Distinct().ToList() ?? [];
        var named = codes.Count == 0 ? new Dictionary<string, SkuSummary>() : await skus.FindByCodesAsync(codes, ct);
        for (var i = 0; i < codes.Count; i++)
            if (!named.TryGetValue(codes[i], out var s)) check.Add($"skuCodes[{i}]", "unknown_sku", $"skuCodes[{i}]: no SKU, alias or barcode is '{codes[i]}'.", codes[i]);
            else if (s.IsCombo) check.Add($"skuCodes[{i}]", "combo_not_stocked", $"skuCodes[{i}]: {s.Code} is a combo; count its parts.", s.Code);
        var bins = input.Bins?.Where(b => !string.IsNullOrWhiteSpace(b)).Select(b => b.Trim().ToUpperInvariant()).Distinct().ToList() ?? [];
        var binDirectory = binDirectories.FirstOrDefault();
        if ((codes.Count > 0 ? 1 : 0) + (input.CategoryIds is { Count: > 0 } ? 1 : 0) + (bins.Count > 0 ? 1 : 0) > 1)
            check.Add("scope", "one_scope", "Limit a count by SKU codes, by categories or by bins: one of them at a time.");
        else if (bins.Count > 0 && binDirectory is null) check.Add("bins", "no_bins", "No module keeps bins here: count by SKU codes or categories.");
        check.ThrowIfAny();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var balances = await db.Set<StockBalance>().AsNoTracking()
            .Where(b => b.WarehouseId == warehouse!.Id && b.Condition != StockCondition.InTransit).ToListAsync(ct);
        // The SKUs in scope: named ones, or a category's plain SKUs, or the plain SKUs whose bin is one of those named, or
        // every SKU with stock here.
        HashSet<Guid> scope;
        string scopeText;
        if (codes.Count > 0)
        {
            scope = named.Values.Select(s => s.Id).ToHashSet();
            scopeText = $"SKU × {scope.Count}";
        }
        else if (input.CategoryIds is { Count: > 0 } categories)
        {
            var all = await skus.CategoriesWithDescendantsAsync(categories, ct);
            scope = (await skus.Skus.Where(s => !s.IsCombo && s.Active && s.CategoryId != null && all.Contains(s.CategoryId.Value)).Select(s => s.Id).ToListAsync(ct)).ToHashSet();
            scope.UnionWith(await SkusWithStockInAsync(balances.Select(b => b.SkuId).Distinct().ToList(), all, ct));
            scopeText = $"category × {categories.Count}";
        }
        else if (bins.Count > 0)
        {
            var placed = await binDirectory!.SkusInBinsAsync(warehouse!.Id, bins, ct);
            scope = (await skus.ByIdsAsync(placed, ct)).Values.Where(s => !s.IsCombo).Select(s => s.Id).ToHashSet();
            scopeText = "bin " + string.Join(", ", bins);
            if (scopeText.Length > 200) scopeText = $"bin × {bins.Count}";
        }
        else
        {
            scope = balances.Where(b => b.OnHand != 0).Select(b => b.SkuId).ToHashSet();
            scopeText = "all";
        }
        var byKey = balances.ToDictionary(b => (b.SkuId, b.Condition));
        var inScope = await skus.ByIdsAsync(scope, ct);
        var lines = new List<StocktakeLine>();
        var stocktake = Stocktake.Start("", warehouse!.Id, input.Blind, scopeText, note, 0, user.UserName, Now);
        foreach (var sku in scope)
        {
            var code = inScope.TryGetValue(sku, out var summary) ? summary.NormalizedCode : sku.ToString();
            lines.Add(new StocktakeLine
            {
                StocktakeId = stocktake.Id, SkuId = sku, Condition = StockCondition.Sellable, SortKey = StocktakeLine.SortKeyOf(code, StockCondition.Sellable),
                Snapshot = byKey.GetValueOrDefault((sku, StockCondition.Sellable))?.OnHand ?? 0,
            });
            if (byKey.TryGetValue((sku, StockCondition.NonSellable), out var bad) && bad.OnHand != 0)
                lines.Add(new StocktakeLine
                {
                    StocktakeId = stocktake.Id, SkuId = sku, Condition = StockCondition.NonSellable, SortKey = StocktakeLine.SortKeyOf(code, StockCondition.NonSellable), Snapshot = bad.OnHand,
                });
        }
        if (lines.Count == 0) throw new InputRejectedException("scope", "empty_scope", "Nothing to count: no SKU is in this scope.");
        if (lines.Count > MaxLines) throw new InputRejectedException("scope", "too_many", $"A count sheet has at most {MaxLines} lines; count by category.", MaxLines);
        // Two open sheets counting the same SKU would both book its difference.
        var open = await db.Set<Stocktake>().Where(o => o.WarehouseId == warehouse.Id && o.Status == StocktakeStatus.Counting).Select(o => new { o.Id, o.No }).ToListAsync(ct);
        foreach (var other in open)
            foreach (var chunk in scope.Chunk(5000))
                if (await db.Set<StocktakeLine>().AnyAsync(l => l.StocktakeId == other.Id && EF.Parameter(chunk).Contains(l.SkuId), ct))
                    throw new RuleViolatedException("stocktake.overlap", $"{other.No} is still counting some of these SKUs in this warehouse; post or cancel it first.", other.No);
        stocktake.AddLines(lines.Count, Now);
        db.Set<Stocktake>().Add(stocktake);
        await DocumentNumbers.SaveNumberedAsync(db,
            c => DocumentNumbers.NextAsync(db.Set<Stocktake>().Select(s => s.No), "PD", Now, user, c), stocktake.Renumber, ct);
        await db.BulkInsertAsync(lines, ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(stocktake.Id, ct);
    }

    private async Task<List<Guid>> SkusWithStockInAsync(List<Guid> stocked, IReadOnlyList<Guid> categories, CancellationToken ct)
    {
        var result = new List<Guid>();
        foreach (var chunk in stocked.Chunk(500))
            result.AddRange(await skus.Skus.Where(s => EF.Parameter(chunk).Contains(s.Id) && s.CategoryId != null && categories.Contains(s.CategoryId.Value)).Select(s => s.Id).ToListAsync(ct));
        return result;
    }

    /// <summary>Saves one count (one row written, never the sheet). A scanned SKU not on a whole-warehouse sheet is added to it.</summary>
    public async Task<StocktakeLineView> CountAsync(Guid id, CountInput input, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("stocktakes", id, ct);
        var stocktake = await FindAsync(id, ct);
        stocktake.EnsureCounting();
        var check = new InputCheck();
        var add = string.IsNullOrWhiteSpace(input.Mode) || input.Mode.Trim().Equals("add", StringComparison.OrdinalIgnoreCase);
        if (!add && !input.Mode!.Trim().Equals("set", StringComparison.OrdinalIgnoreCase)) check.Add("mode", "unknown_value", "mode is Add or Set.", input.Mode!, "Add, Set");
        var quantity = input.Quantity ?? (add ? 1 : -1);
        if (quantity < 0 || (add && quantity == 0)) check.Add("quantity", add ? "positive" : "not_negative", add ? "quantity must be at least 1." : "quantity must be 0 or more.");
        if (quantity > Reservations.StockReservations.MaxQuantity)
            check.Add("quantity", "out_of_range", $"quantity is at most {Reservations.StockReservations.MaxQuantity}.", 0, Reservations.StockReservations.MaxQuantity);
        var condition = string.IsNullOrWhiteSpace(input.Condition) ? StockCondition.Sellable : check.OneOf<StockCondition>("condition", input.Condition) ?? StockCondition.Sellable;
        if (condition == StockCondition.InTransit) check.Add("condition", "invalid", "In-transit stock is not counted; it moves only with its transfer.");
        var found = await SkuLines.ResolveAsync(skus, [(input.SkuId, input.Code)], check, ct);
        if (check.HasErrors)
        {
            // The line-shaped field names of the shared lookup read as the count's own fields here.
            throw new InputRejectedException(check.ToErrors().Select(e => e with { Field = e.Field.Replace("lines[0].", "", StringComparison.Ordinal) }).ToList());
        }
        var sku = found[0]!;
        var book = await db.Set<StockBalance>().AsNoTracking()
            .Where(b => b.WarehouseId == stocktake.WarehouseId && b.SkuId == sku.Id && b.Condition == condition).Select(b => (long?)b.OnHand).SingleOrDefaultAsync(ct) ?? 0;
        var now = Now;
        var lines = db.Set<StocktakeLine>().Where(l => l.StocktakeId == id && l.SkuId == sku.Id && l.Condition == condition);
        var changed = add
            ? await lines.ExecuteUpdateAsync(u => u.SetProperty(l => l.Counted, l => (l.Counted ?? 0) + quantity).SetProperty(l => l.BookAtCount, book)
                .SetProperty(l => l.CountedAt, now).SetProperty(l => l.CountedBy, user.UserName), ct)
            : await lines.ExecuteUpdateAsync(u => u.SetProperty(l => l.Counted, quantity).SetProperty(l => l.BookAtCount, book)
                .SetProperty(l => l.CountedAt, now).SetProperty(l => l.CountedBy, user.UserName), ct);
        if (changed == 0)
        {
            if (stocktake.Scope != "all")
                throw new InputRejectedException(input.SkuId is null ? "code" : "skuId", "not_on_sheet", $"{sku.Code} is not on this count sheet.", sku.Code);
            // Found goods on a whole-warehouse count (盘盈): the line is added with the book as it is now.
            db.Set<StocktakeLine>().Add(new StocktakeLine
            {
                StocktakeId = id, SkuId = sku.Id, Condition = condition, SortKey = StocktakeLine.SortKeyOf(sku.NormalizedCode, condition), Snapshot = book, Counted = quantity, BookAtCount = book, CountedAt = now, CountedBy = user.UserName,
            });
            var tracked = await db.Set<Stocktake>().SingleAsync(s => s.Id == id, ct);
            tracked.AddLines(1, now);
            await db.SaveChangesAsync(ct);
        }
        var line = await db.Set<StocktakeLine>().AsNoTracking().SingleAsync(l => l.StocktakeId == id && l.SkuId == sku.Id && l.Condition == condition, ct);
        if (line.Counted > Reservations.StockReservations.MaxQuantity)
            throw new InputRejectedException("quantity", "out_of_range", $"The count would pass {Reservations.StockReservations.MaxQuantity}.", 0, Reservations.StockReservations.MaxQuantity);
        await transaction.CommitAsync(ct);
        var cost = await db.Set<SkuCost>().AsNoTracking().Where(c => c.SkuId == sku.Id).Select(c => (long?)c.AverageCost).SingleOrDefaultAsync(ct) ?? sku.CostPrice;
        var hide = stocktake.Blind;
        var bookNow = line.BookAtCount ?? line.Snapshot;
        long? difference = line.Counted - bookNow;
        return new StocktakeLineView(sku.Id, sku.Code, sku.ProductName + (sku.Spec is null ? "" : " " + sku.Spec), condition.ToString(),
            hide ? null : line.Snapshot, hide ? null : bookNow - line.Snapshot, line.Counted, hide ? null : difference, cost,
            hide ? null : difference * cost, line.CountedAt, line.CountedBy);
    }

    public async Task<Page<StocktakeLineView>> LinesAsync(Guid id, StocktakeLineFilter filter, PageRequest page, CancellationToken ct)
    {
        var stocktake = await FindAsync(id, ct, tracked: false);
        var hideBook = stocktake.Blind && stocktake.Status == StocktakeStatus.Counting;
        var query = db.Set<StocktakeLine>().AsNoTracking().Where(l => l.StocktakeId == id);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // A code prefix rides the sheet's own index; a term with Chinese in it is a name, looked up in the catalog.
            var term = filter.Search.Trim();
            if (term.Any(c => c > 127))
            {
                var named = skus.Skus.Where(s => s.ProductName.Contains(term)).Select(s => s.Id);
                query = query.Where(l => named.Contains(l.SkuId));
            }
            else
            {
                var upper = term.ToUpperInvariant();
                query = query.Where(l => l.SortKey.StartsWith(upper));
            }
        }
        if (filter.UncountedOnly) query = query.Where(l => l.Counted == null);
        if (filter.DifferencesOnly && !hideBook) query = query.Where(l => l.Counted != null && l.Counted != l.BookAtCount);
        if (page.AfterKey() is { } after) query = query.Where(l => l.SortKey.CompareTo(after) > 0);
        var lines = await query.OrderBy(l => l.SortKey).Take(page.Limit + 1).ToListAsync(ct);
        var pageSkus = lines.Select(l => l.SkuId).Distinct().ToList();
        var summaries = await skus.ByIdsAsync(pageSkus, ct);
        var rows = lines.Select(l => new
        {
            Line = l, Code = summaries.TryGetValue(l.SkuId, out var s) ? s.Code : l.SortKey[..l.SortKey.LastIndexOf('|')],
            ProductName = s?.ProductName ?? "", s?.Spec, CostPrice = s?.CostPrice ?? 0,
        }).ToList();
        var skuIds = rows.Select(r => r.Line.SkuId).Distinct().ToList();
        var costs = await db.Set<SkuCost>().AsNoTracking().Where(c => skuIds.Contains(c.SkuId)).ToDictionaryAsync(c => c.SkuId, c => c.AverageCost, ct);
        var current = stocktake.Status == StocktakeStatus.Counting
            ? await db.Set<StockBalance>().AsNoTracking().Where(b => b.WarehouseId == stocktake.WarehouseId && skuIds.Contains(b.SkuId))
                .ToDictionaryAsync(b => (b.SkuId, b.Condition), b => b.OnHand, ct)
            : [];
        var views = rows.Select(r =>
        {
            var l = r.Line;
            var cost = costs.GetValueOrDefault(l.SkuId, r.CostPrice);
            var bookNow = l.BookAtCount ?? (current.TryGetValue((l.SkuId, l.Condition), out var b) ? b : l.Snapshot);
            long? difference = l.Counted is { } counted ? counted - bookNow : null;
            return new StocktakeLineView(l.SkuId, r.Code, r.ProductName + (r.Spec is null ? "" : " " + r.Spec), l.Condition.ToString(),
                hideBook ? null : l.Snapshot, hideBook ? null : bookNow - l.Snapshot, l.Counted, hideBook ? null : difference, cost,
                hideBook || difference is null ? null : difference * cost, l.CountedAt, l.CountedBy);
        }).ToList();
        var keyed = Page.From(views.Select((v, i) => (View: v, Key: rows[i].Line.SortKey)).ToList(), page.Limit, p => p.Key);
        return new Page<StocktakeLineView>(keyed.Items.Select(p => p.View).ToList(), keyed.Next);
    }

    /// <summary>Posts the differences of the counted lines (and, when asked, uncounted lines as counted zero) as gains and losses.</summary>
    public async Task<StocktakeView> PostAsync(Guid id, PostStocktakeInput input, CancellationToken ct)
    {
        var reason = string.IsNullOrWhiteSpace(input.Reason) ? "count_difference" : input.Reason.Trim();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("stocktakes", id, ct);
        if (!await db.Set<StockReason>().AnyAsync(r => r.Code == reason && r.Active, ct))
            throw new InputRejectedException("reason", "unknown_reason", $"'{reason}' is not an active reason code.", reason);
        var stocktake = await FindAsync(id, ct);
        stocktake.MarkPosted(reason, user.UserName, Now);
        var lines = await db.Set<StocktakeLine>().AsNoTracking().Where(l => l.StocktakeId == id && (input.UncountedAsZero || l.Counted != null)).ToListAsync(ct);
        var drafts = new List<MovementDraft>();
        var index = 0;
        foreach (var l in lines)
        {
            var key = $"stocktake:{id}:{l.SkuId}:{l.Condition}";
            var field = $"lines[{index++}]";
            if (l.Counted is null)
            {
                // Uncounted, taken as zero: the posting works the loss out from the balance it has locked.
                drafts.Add(new MovementDraft(stocktake.WarehouseId, l.SkuId, l.Condition, 0, MovementType.StocktakeLoss, key, field,
                    reason, "stocktake", id.ToString(), stocktake.No, Guard: StockGuard.OnHand, SetOnHandTo: 0));
                continue;
            }
            var difference = l.Counted.Value - (l.BookAtCount ?? l.Snapshot);
            if (difference == 0) continue;
            drafts.Add(new MovementDraft(stocktake.WarehouseId, l.SkuId, l.Condition, checked((int)difference),
                difference > 0 ? MovementType.StocktakeGain : MovementType.StocktakeLoss, key, field,
                reason, "stocktake", id.ToString(), stocktake.No, Guard: StockGuard.OnHand));
        }
        await posting.PostAsync(drafts, ct);
        AuditRecorder.Describe(stocktake, "post");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<StocktakeView> CancelAsync(Guid id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("stocktakes", id, ct);
        var stocktake = await FindAsync(id, ct);
        stocktake.Cancel(Now);
        AuditRecorder.Describe(stocktake, "cancel");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<StocktakeView> GetAsync(Guid id, CancellationToken ct)
    {
        var s = await FindAsync(id, ct, tracked: false);
        return (await ViewsAsync([s], ct))[0];
    }

    /// <summary>The categories a count can be limited to, with their paths, for the start form.</summary>
    public Task<IReadOnlyList<CategoryChoice>> CategoriesAsync(CancellationToken ct) => CategoryQueries.ChoicesAsync(db, ct);

    public async Task<Page<StocktakeView>> ListAsync(Guid? warehouseId, string? status, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<Stocktake>().AsNoTracking();
        if (warehouseId is { } w) query = query.Where(s => s.WarehouseId == w);
        if (!string.IsNullOrWhiteSpace(status))
        {
            var check = new InputCheck();
            var parsed = check.OneOf<StocktakeStatus>("status", status);
            check.ThrowIfAny();
            query = query.Where(s => s.Status == parsed);
        }
        if (page.AfterKey() is { } after && Guid.TryParse(after, out var afterId)) query = query.Where(s => s.Id.CompareTo(afterId) < 0);
        var rows = await query.OrderByDescending(s => s.Id).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(await ViewsAsync(rows, ct), page.Limit, v => v.Id.ToString());
    }

    private async Task<List<StocktakeView>> ViewsAsync(List<Stocktake> sheets, CancellationToken ct)
    {
        var ids = sheets.Select(s => s.Id).ToList();
        var warehouseIds = sheets.Select(s => s.WarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        // Totals per sheet in one grouped query: counted lines, and the differences against the book at count.
        var totals = await db.Set<StocktakeLine>().AsNoTracking().Where(l => ids.Contains(l.StocktakeId) && l.Counted != null)
            .Select(l => new { l.StocktakeId, l.SkuId, Difference = (long)l.Counted!.Value - (l.BookAtCount ?? l.Snapshot) })
            .ToListAsync(ct);
        var skuIds = totals.Where(t => t.Difference != 0).Select(t => t.SkuId).Distinct().ToList();
        var costs = (await skus.ByIdsAsync(skuIds, ct)).ToDictionary(p => p.Key, p => p.Value.CostPrice);
        foreach (var chunk in skuIds.Chunk(500))
        {
            foreach (var c in await db.Set<SkuCost>().AsNoTracking().Where(c => EF.Parameter(chunk).Contains(c.SkuId)).ToListAsync(ct)) costs[c.SkuId] = c.AverageCost;
        }
        var bySheet = totals.ToLookup(t => t.StocktakeId);
        return sheets.Select(s =>
        {
            var hide = s.Blind && s.Status == StocktakeStatus.Counting;
            var t = bySheet[s.Id].ToList();
            var gains = t.Where(x => x.Difference > 0).ToList();
            var losses = t.Where(x => x.Difference < 0).ToList();
            return new StocktakeView(s.Id, s.No, s.WarehouseId, codes.GetValueOrDefault(s.WarehouseId, "?"), s.Status.ToString(), s.Blind, s.Scope, s.Note, s.Reason,
                s.LineCount, t.Count, hide ? 0 : gains.Count + losses.Count, hide ? 0 : gains.Sum(x => x.Difference), hide ? 0 : -losses.Sum(x => x.Difference),
                hide ? 0 : gains.Sum(x => x.Difference * costs.GetValueOrDefault(x.SkuId)), hide ? 0 : -losses.Sum(x => x.Difference * costs.GetValueOrDefault(x.SkuId)),
                s.CreatedBy, s.CreatedAt, s.PostedBy, s.PostedAt);
        }).ToList();
    }

    private async Task<Stocktake> FindAsync(Guid id, CancellationToken ct, bool tracked = true)
    {
        var set = tracked ? db.Set<Stocktake>() : db.Set<Stocktake>().AsNoTracking();
        return await set.SingleOrDefaultAsync(s => s.Id == id, ct) ?? throw new NotFoundException("stocktake", id);
    }
}
