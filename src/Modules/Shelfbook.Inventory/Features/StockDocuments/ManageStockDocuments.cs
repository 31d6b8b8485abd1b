using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Data;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Inventory.Features.StockDocuments;

public sealed record StockDocumentLineView(int Line, Guid SkuId, string SkuCode, string SkuName, int Quantity, string Condition, long? UnitCost);

public sealed record StockDocumentView(
    Guid Id, string No, string Kind, Guid WarehouseId, string WarehouseCode, string? Reason, string? Note, string Status,
    string CreatedBy, DateTime CreatedAt, string? PostedBy, DateTime? PostedAt, int LineCount, long TotalQuantity,
    IReadOnlyList<StockDocumentLineView> Lines);

public sealed record StockDocumentFilter(string? Kind = null, string? Status = null, Guid? WarehouseId = null, string? Search = null);

/// <summary>Manual in/out and condition change documents: drafts, posting (movements) and cancelling.</summary>
public sealed class ManageStockDocuments(TenantDbContext db, ISkuDirectory skus, StockPosting posting, CurrentUser user)
{
    private DateTime Now => db.Time.StoredUtcNow();

    public async Task<StockDocumentView> CreateAsync(StockDocumentInput input, CancellationToken ct)
    {
        var (kind, warehouse, reason, note, lines) = await CheckAsync(input, ct);
        var document = StockDocument.Create("", kind, warehouse, reason, note, lines, user.UserName, Now);
        db.Set<StockDocument>().Add(document);
        await DocumentNumbers.SaveNumberedAsync(db,
            c => DocumentNumbers.NextAsync(db.Set<StockDocument>().Select(d => d.No), Prefix(kind), Now, user, c), document.Renumber, ct);
        return await GetAsync(document.Id, ct);
    }

    public async Task<StockDocumentView> UpdateAsync(Guid id, StockDocumentInput input, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("stock_documents", id, ct);
        var document = await FindAsync(id, ct);
        var (_, warehouse, reason, note, lines) = await CheckAsync(input with { Kind = document.Kind.ToString() }, ct);
        document.Update(warehouse, reason, note, lines, Now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Posts the draft: its movements and its new status in one transaction; posting twice is refused.</summary>
    public async Task<StockDocumentView> PostAsync(Guid id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("stock_documents", id, ct);
        var document = await FindAsync(id, ct);
        document.MarkPosted(user.UserName, Now);
        var drafts = new List<MovementDraft>();
        foreach (var line in document.Lines)
        {
            var field = $"lines[{line.Line - 1}]";
            var key = $"doc:{document.Id}:{line.Line}";
            switch (document.Kind)
            {
                case StockDocumentKind.ManualIn:
                    drafts.Add(new(document.WarehouseId, line.SkuId, line.Condition, line.Quantity, MovementType.ManualIn, key, field,
                        document.Reason, "stock_document", document.Id.ToString(), document.No, line.UnitCost));
                    break;
                case StockDocumentKind.ManualOut:
                    drafts.Add(new(document.WarehouseId, line.SkuId, line.Condition, -line.Quantity, MovementType.ManualOut, key, field,
                        document.Reason, "stock_document", document.Id.ToString(), document.No,
                        Guard: line.Condition == StockCondition.Sellable ? StockGuard.Available : StockGuard.OnHand));
                    break;
                default:
                    var to = line.Condition == StockCondition.Sellable ? StockCondition.NonSellable : StockCondition.Sellable;
                    drafts.Add(new(document.WarehouseId, line.SkuId, line.Condition, -line.Quantity, MovementType.ConditionChange, key, field,
                        document.Reason, "stock_document", document.Id.ToString(), document.No,
                        Guard: line.Condition == StockCondition.Sellable ? StockGuard.Available : StockGuard.OnHand));
                    drafts.Add(new(document.WarehouseId, line.SkuId, to, line.Quantity, MovementType.ConditionChange, key + ":to", field,
                        document.Reason, "stock_document", document.Id.ToString(), document.No));
                    break;
            }
        }
        var posted = await posting.PostAsync(drafts, ct);
        if (posted.Replayed) throw new RuleViolatedException("document.already_posted", $"{document.No} is posted already.", document.No);
        AuditRecorder.Describe(document, "post");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<StockDocumentView> CancelAsync(Guid id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("stock_documents", id, ct);
        var document = await FindAsync(id, ct);
        document.Cancel(Now);
        AuditRecorder.Describe(document, "cancel");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<StockDocumentView> GetAsync(Guid id, CancellationToken ct)
    {
        var document = await db.Set<StockDocument>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("stock_document", id);
        return (await ViewsAsync([document], withLines: true, ct))[0];
    }

    /// <summary>Newest first, a keyset page at a time; lines are left out (open one document for them).</summary>
    public async Task<Page<StockDocumentView>> ListAsync(StockDocumentFilter filter, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<StockDocument>().AsNoTracking();
        var check = new InputCheck();
        if (!string.IsNullOrWhiteSpace(filter.Kind)) { var kind = check.OneOf<StockDocumentKind>("kind", filter.Kind); if (kind is { } k) query = query.Where(d => d.Kind == k); }
        if (!string.IsNullOrWhiteSpace(filter.Status)) { var status = check.OneOf<DocumentStatus>("status", filter.Status); if (status is { } s) query = query.Where(d => d.Status == s); }
        check.ThrowIfAny();
        if (filter.WarehouseId is { } w) query = query.Where(d => d.WarehouseId == w);
        if (!string.IsNullOrWhiteSpace(filter.Search)) { var term = filter.Search.Trim().ToUpperInvariant(); query = query.Where(d => d.No.Contains(term) || (d.Note != null && d.Note.Contains(filter.Search.Trim()))); }
        // Numbers sort by day and sequence within a prefix; across prefixes the id (time-ordered) keeps the newest first.
        if (page.AfterKey() is { } after && Guid.TryParse(after, out var afterId)) query = query.Where(d => d.Id.CompareTo(afterId) < 0);
        var rows = await query.OrderByDescending(d => d.Id).Take(page.Limit + 1).ToListAsync(ct);
        var views = await ViewsAsync(rows, withLines: false, ct);
        return Page.From(views, page.Limit, v => v.Id.ToString());
    }

    private async Task<List<StockDocumentView>> ViewsAsync(List<StockDocument> documents, bool withLines, CancellationToken ct)
    {
        var warehouseIds = documents.Select(d => d.WarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var names = withLines ? await skus.ByIdsAsync(documents.SelectMany(d => d.Lines).Select(l => l.SkuId), ct) : new Dictionary<Guid, SkuSummary>();
        return documents.Select(d => new StockDocumentView(
            d.Id, d.No, d.Kind.ToString(), d.WarehouseId, codes.GetValueOrDefault(d.WarehouseId, "?"), d.Reason, d.Note, d.Status.ToString(),
            d.CreatedBy, d.CreatedAt, d.PostedBy, d.PostedAt, d.Lines.Count, d.Lines.Sum(l => (long)l.Quantity),
            withLines
                ? d.Lines.OrderBy(l => l.Line).Select(l => new StockDocumentLineView(l.Line, l.SkuId, names.GetValueOrDefault(l.SkuId)?.Code ?? "?",
                    names.GetValueOrDefault(l.SkuId) is { } s ? s.ProductName + (s.Spec is null ? "" : " " + s.Spec) : "", l.Quantity, l.Condition.ToString(), l.UnitCost)).ToList()
                : [])).ToList();
    }

    private async Task<StockDocument> FindAsync(Guid id, CancellationToken ct) =>
        await db.Set<StockDocument>().SingleOrDefaultAsync(d => d.Id == id, ct) ?? throw new NotFoundException("stock_document", id);

    private static string Prefix(StockDocumentKind kind) => kind switch
    {
        StockDocumentKind.ManualIn => "RK",
        StockDocumentKind.ManualOut => "CK",
        _ => "ZH",
    };

    private async Task<(StockDocumentKind Kind, Guid Warehouse, string? Reason, string? Note, List<StockDocumentLine> Lines)> CheckAsync(StockDocumentInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var kind = check.OneOf<StockDocumentKind>("kind", input.Kind);
        var note = check.Optional("note", input.Note, 500);
        if (input.WarehouseId is not { } warehouseId) { check.Add("warehouseId", "required", "warehouseId is required."); warehouseId = Guid.Empty; }
        else if (await db.Set<Warehouse>().AsNoTracking().Where(w => w.Id == warehouseId).Select(w => (bool?)w.Active).SingleOrDefaultAsync(ct) is not { } active)
            check.Add("warehouseId", "unknown_warehouse", $"No warehouse has the id {warehouseId}.", warehouseId);
        else if (!active) check.Add("warehouseId", "inactive_warehouse", "The warehouse is inactive.");

        var reasonCode = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();
        if (reasonCode is null && kind is StockDocumentKind.ManualIn or StockDocumentKind.ManualOut)
            check.Add("reason", "required", "A reason is required for manual in and out.");
        else if (reasonCode is not null && kind is { } k)
        {
            var reason = await db.Set<StockReason>().AsNoTracking().SingleOrDefaultAsync(r => r.Code == reasonCode, ct);
            if (reason is null || !reason.Active) check.Add("reason", "unknown_reason", $"'{reasonCode}' is not an active reason code.", reasonCode);
            else if (k != StockDocumentKind.ConditionChange && !reason.Allows(k))
                check.Add("reason", "wrong_direction", $"'{reason.Name}' is a reason for {(reason.Direction == ReasonDirection.In ? "receipts" : "issues")} only.", reason.Name);
        }

        var given = (input.Lines ?? []).Select(l => l ?? new StockLineInput(null, null, null)).ToList();
        if (given.Count == 0) check.Add("lines", "required", "A document needs at least one line.");
        if (given.Count > StockDocument.MaxLines) check.Add("lines", "too_many", $"A document has at most {StockDocument.MaxLines} lines.", StockDocument.MaxLines);
        var found = await SkuLines.ResolveAsync(skus, given.Select(l => (l.SkuId, l.SkuCode)).ToList(), check, ct);
        var lines = new List<StockDocumentLine>(given.Count);
        var seen = new Dictionary<(Guid, StockCondition), int>();
        for (var i = 0; i < given.Count; i++)
        {
            var l = given[i];
            if (l.Quantity is not > 0) check.Add($"lines[{i}].quantity", "positive", $"lines[{i}]: the quantity must be at least 1.");
            else if (l.Quantity > Reservations.StockReservations.MaxQuantity)
                check.Add($"lines[{i}].quantity", "out_of_range", $"lines[{i}]: the quantity is at most {Reservations.StockReservations.MaxQuantity}.", 1, Reservations.StockReservations.MaxQuantity);
            if (l.UnitCost > Ledger.RecordMovements.MaxUnitCost)
                check.Add($"lines[{i}].unitCost", "out_of_range", $"lines[{i}]: the unit cost is at most {Ledger.RecordMovements.MaxUnitCost}.", 0, Ledger.RecordMovements.MaxUnitCost);
            var condition = StockCondition.Sellable;
            if (!string.IsNullOrWhiteSpace(l.Condition))
            {
                var parsed = check.OneOf<StockCondition>($"lines[{i}].condition", l.Condition);
                if (parsed is StockCondition.InTransit) check.Add($"lines[{i}].condition", "invalid", $"lines[{i}]: in-transit stock moves only with its transfer.");
                else if (parsed is { } c) condition = c;
            }
            if (l.UnitCost is { } cost && (cost < 0 || kind != StockDocumentKind.ManualIn))
                check.Add($"lines[{i}].unitCost", cost < 0 ? "not_negative" : "not_allowed", cost < 0 ? $"lines[{i}]: the unit cost must not be negative." : $"lines[{i}]: only a receipt carries a unit cost; issues go out at the average cost.");
            if (found[i] is { } sku)
            {
                if (seen.TryGetValue((sku.Id, condition), out var other))
                    check.Add($"lines[{i}].skuCode", "duplicate", $"lines[{i}]: {sku.Code} is on line {other + 1} already; change that line's quantity.", sku.Code, other + 1);
                else seen[(sku.Id, condition)] = i;
                if (l.Quantity is > 0) lines.Add(new StockDocumentLine(i + 1, sku.Id, l.Quantity.Value, condition, l.UnitCost));
            }
        }
        check.ThrowIfAny();
        return (kind!.Value, warehouseId, reasonCode, note, lines);
    }
}
