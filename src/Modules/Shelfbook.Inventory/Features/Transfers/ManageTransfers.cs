using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Data;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.StockDocuments;
using Shelfbook.Kernel;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Inventory.Features.Transfers;

public sealed record TransferLineInput(Guid? SkuId = null, string? SkuCode = null, int? Quantity = null);

public sealed record TransferInput(Guid? FromWarehouseId, Guid? ToWarehouseId, string? Note, IReadOnlyList<TransferLineInput>? Lines);

/// <summary>A receipt: what arrived, by SKU; <paramref name="Reason"/> is needed when more arrives than was shipped.</summary>
public sealed record ReceiveTransferInput(IReadOnlyList<TransferLineInput>? Lines, string? Reason = null);

public sealed record CloseTransferInput(string? Reason = null);

public sealed record TransferLineView(int Line, Guid SkuId, string SkuCode, string SkuName, int Quantity, int Shipped, int Received, int InTransit, int ClosedDifference);

public sealed record TransferView(
    Guid Id, string No, Guid FromWarehouseId, string FromWarehouseCode, Guid ToWarehouseId, string ToWarehouseCode, string Status, string? Note,
    int Receipts, string? CloseReason, long Quantity, long InTransit, string CreatedBy, DateTime CreatedAt, DateTime? ShippedAt, DateTime? ClosedAt,
    IReadOnlyList<TransferLineView> Lines);

/// <summary>Units of a SKU still on their way to a warehouse under one open transfer.</summary>
public sealed record InTransitLine(Guid TransferId, string No, Guid ToWarehouseId, string ToWarehouseCode, Guid SkuId, int InTransit);

/// <summary>Transfers (调拨): draft → shipped (source down, in transit up) → partial receipts → closed with any difference written off.</summary>
public sealed class ManageTransfers(TenantDbContext db, ISkuDirectory skus, StockPosting posting, CurrentUser user)
{
    public const int MaxLines = 10_000;

    private DateTime Now => db.Time.StoredUtcNow();

    public async Task<TransferView> CreateAsync(TransferInput input, CancellationToken ct)
    {
        var (from, to, note, lines) = await CheckAsync(input, ct);
        var transfer = Transfer.Create("", from, to, note, lines, user.UserName, Now);
        db.Set<Transfer>().Add(transfer);
        await DocumentNumbers.SaveNumberedAsync(db, c => DocumentNumbers.NextAsync(db.Set<Transfer>().Select(t => t.No), "DB", Now, user, c), transfer.Renumber, ct);
        return await GetAsync(transfer.Id, ct);
    }

    public async Task<TransferView> UpdateAsync(Guid id, TransferInput input, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("transfers", id, ct);
        var transfer = await FindAsync(id, ct);
        var (from, to, note, lines) = await CheckAsync(input, ct);
        transfer.Update(from, to, note, lines, Now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<TransferView> ShipAsync(Guid id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("transfers", id, ct);
        var transfer = await FindAsync(id, ct);
        transfer.MarkShipped(Now);
        var drafts = new List<MovementDraft>();
        foreach (var l in transfer.Lines)
        {
            var field = $"lines[{l.Line - 1}]";
            drafts.Add(Draft(transfer, transfer.FromWarehouseId, l.SkuId, StockCondition.Sellable, -l.Quantity, MovementType.TransferOut, $"ship:{l.Line}:out", field, StockGuard.Available));
            drafts.Add(Draft(transfer, transfer.ToWarehouseId, l.SkuId, StockCondition.InTransit, l.Quantity, MovementType.TransferOut, $"ship:{l.Line}:transit", field, StockGuard.None));
        }
        await PostAsync(transfer, drafts, "ship", ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Books what arrived: in transit down, sellable up at the destination. More than shipped needs a reason and is booked as an overage.</summary>
    public async Task<TransferView> ReceiveAsync(Guid id, ReceiveTransferInput input, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("transfers", id, ct);
        var transfer = await FindAsync(id, ct);
        transfer.EnsureReceivable();
        var check = new InputCheck();
        var reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();
        if (reason is not null && !await db.Set<StockReason>().AnyAsync(r => r.Code == reason && r.Active, ct))
            check.Add("reason", "unknown_reason", $"'{reason}' is not an active reason code.", reason);
        var given = (input.Lines ?? []).Select(l => l ?? new TransferLineInput()).ToList();
        if (given.Count == 0) check.Add("lines", "required", "Name at least one line that arrived.");
        var found = await SkuLines.ResolveAsync(skus, given.Select(l => (l.SkuId, l.SkuCode)).ToList(), check, ct);
        var receipt = transfer.Receipts + 1;
        var drafts = new List<MovementDraft>();
        var seen = new HashSet<Guid>();
        for (var i = 0; i < given.Count; i++)
        {
            var field = $"lines[{i}]";
            if (given[i].Quantity is not (> 0 and <= Reservations.StockReservations.MaxQuantity))
            {
                check.Add($"{field}.quantity", "out_of_range", $"{field}: the quantity is between 1 and {Reservations.StockReservations.MaxQuantity}.", 1, Reservations.StockReservations.MaxQuantity);
                continue;
            }
            if (found[i] is not { } sku) continue;
            var line = transfer.Lines.FirstOrDefault(l => l.SkuId == sku.Id);
            if (line is null) { check.Add($"{field}.skuCode", "not_on_transfer", $"{field}: {sku.Code} is not on {transfer.No}.", sku.Code, transfer.No); continue; }
            if (!seen.Add(sku.Id)) { check.Add($"{field}.skuCode", "duplicate", $"{field}: {sku.Code} is named twice.", sku.Code); continue; }
            var quantity = given[i].Quantity!.Value;
            var open = line.Shipped - line.Received;
            var excess = quantity - Math.Max(0, open);
            if (excess > 0 && reason is null)
            {
                check.Add($"{field}.quantity", "more_than_shipped", $"{field}: {quantity} of {sku.Code} received but only {Math.Max(0, open)} still in transit; give a reason to book the overage.",
                    quantity, sku.Code, Math.Max(0, open));
                continue;
            }
            if (excess > 0)
                drafts.Add(Draft(transfer, transfer.ToWarehouseId, sku.Id, StockCondition.InTransit, excess, MovementType.TransferOverage, $"rcv:{receipt}:{line.Line}:over", field, StockGuard.None, reason));
            drafts.Add(Draft(transfer, transfer.ToWarehouseId, sku.Id, StockCondition.InTransit, -quantity, MovementType.TransferIn, $"rcv:{receipt}:{line.Line}:transit", field, StockGuard.None));
            drafts.Add(Draft(transfer, transfer.ToWarehouseId, sku.Id, StockCondition.Sellable, quantity, MovementType.TransferIn, $"rcv:{receipt}:{line.Line}:in", field, StockGuard.None));
            line.Received += quantity;
        }
        check.ThrowIfAny();
        transfer.Received(Now);
        await PostAsync(transfer, drafts, "receive", ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    /// <summary>Closes the transfer; what never arrived leaves in transit as a loss with the reason.</summary>
    public async Task<TransferView> CloseAsync(Guid id, CloseTransferInput input, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("transfers", id, ct);
        var transfer = await FindAsync(id, ct);
        var missing = transfer.Lines.Where(l => l.Shipped > l.Received).ToList();
        var reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim();
        if (missing.Count > 0 && reason is null)
            throw new InputRejectedException("reason", "required", $"{missing.Sum(l => l.Shipped - l.Received)} units never arrived; give a reason to write them off.", missing.Sum(l => l.Shipped - l.Received));
        if (reason is not null && !await db.Set<StockReason>().AnyAsync(r => r.Code == reason && r.Active, ct))
            throw new InputRejectedException("reason", "unknown_reason", $"'{reason}' is not an active reason code.", reason);
        transfer.Close(reason, Now);
        var drafts = missing.Select(l =>
        {
            l.ClosedDifference = l.Shipped - l.Received;
            return Draft(transfer, transfer.ToWarehouseId, l.SkuId, StockCondition.InTransit, -l.ClosedDifference, MovementType.TransferLoss, $"close:{l.Line}", $"lines[{l.Line - 1}]", StockGuard.None, reason);
        }).ToList();
        await PostAsync(transfer, drafts, "close", ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<TransferView> CancelAsync(Guid id, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await new StockSql(db).LockDocumentAsync("transfers", id, ct);
        var transfer = await FindAsync(id, ct);
        transfer.Cancel(Now);
        AuditRecorder.Describe(transfer, "cancel");
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return await GetAsync(id, ct);
    }

    public async Task<TransferView> GetAsync(Guid id, CancellationToken ct) =>
        (await ViewsAsync([await db.Set<Transfer>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("transfer", id)], true, ct))[0];

    public async Task<Page<TransferView>> ListAsync(Guid? warehouseId, string? status, PageRequest page, CancellationToken ct)
    {
        var query = db.Set<Transfer>().AsNoTracking();
        if (warehouseId is { } w) query = query.Where(t => t.FromWarehouseId == w || t.ToWarehouseId == w);
        if (!string.IsNullOrWhiteSpace(status))
        {
            var check = new InputCheck();
            var parsed = check.OneOf<TransferStatus>("status", status);
            check.ThrowIfAny();
            query = query.Where(t => t.Status == parsed);
        }
        if (page.AfterKey() is { } after && Guid.TryParse(after, out var afterId)) query = query.Where(t => t.Id.CompareTo(afterId) < 0);
        var rows = await query.OrderByDescending(t => t.Id).Take(page.Limit + 1).ToListAsync(ct);
        return Page.From(await ViewsAsync(rows, false, ct), page.Limit, v => v.Id.ToString());
    }

    /// <summary>Quantities in transit per SKU and open transfer, for the stock pages.</summary>
    public async Task<IReadOnlyList<InTransitLine>> InTransitAsync(IReadOnlyCollection<Guid> skuIds, CancellationToken ct)
    {
        var open = await db.Set<Transfer>().AsNoTracking()
            .Where(t => t.Status == TransferStatus.Shipped || t.Status == TransferStatus.PartiallyReceived || t.Status == TransferStatus.Received)
            .Where(t => t.Lines.Any(l => skuIds.Contains(l.SkuId) && l.Shipped > l.Received)).ToListAsync(ct);
        var ids = open.Select(t => t.ToWarehouseId).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        return open.SelectMany(t => t.Lines.Where(l => skuIds.Contains(l.SkuId) && l.Shipped > l.Received)
            .Select(l => new InTransitLine(t.Id, t.No, t.ToWarehouseId, codes.GetValueOrDefault(t.ToWarehouseId, "?"), l.SkuId, l.Shipped - l.Received))).ToList();
    }

    private static MovementDraft Draft(Transfer t, Guid warehouse, Guid sku, StockCondition condition, int quantity, MovementType type, string key, string field, StockGuard guard, string? reason = null) =>
        new(warehouse, sku, condition, quantity, type, $"transfer:{t.Id}:{key}", field, reason, "transfer", t.Id.ToString(), t.No, Guard: guard);

    private async Task PostAsync(Transfer transfer, List<MovementDraft> drafts, string action, CancellationToken ct)
    {
        var posted = await posting.PostAsync(drafts, ct);
        if (posted.Replayed && drafts.Count > 0) throw new RuleViolatedException("transfer.already_done", $"{transfer.No}: this step was posted already.", transfer.No);
        AuditRecorder.Describe(transfer, action);
        await db.SaveChangesAsync(ct);
    }

    private async Task<List<TransferView>> ViewsAsync(List<Transfer> transfers, bool withLines, CancellationToken ct)
    {
        var warehouseIds = transfers.SelectMany(t => new[] { t.FromWarehouseId, t.ToWarehouseId }).Distinct().ToList();
        var codes = await db.Set<Warehouse>().AsNoTracking().Where(w => warehouseIds.Contains(w.Id)).ToDictionaryAsync(w => w.Id, w => w.Code, ct);
        var names = withLines ? await skus.ByIdsAsync(transfers.SelectMany(t => t.Lines).Select(l => l.SkuId), ct) : new Dictionary<Guid, SkuSummary>();
        return transfers.Select(t => new TransferView(
            t.Id, t.No, t.FromWarehouseId, codes.GetValueOrDefault(t.FromWarehouseId, "?"), t.ToWarehouseId, codes.GetValueOrDefault(t.ToWarehouseId, "?"), t.Status.ToString(),
            t.Note, t.Receipts, t.CloseReason, t.Lines.Sum(l => (long)l.Quantity), t.Lines.Sum(l => (long)l.InTransit(t.Status)), t.CreatedBy, t.CreatedAt, t.ShippedAt, t.ClosedAt,
            withLines
                ? t.Lines.OrderBy(l => l.Line).Select(l => new TransferLineView(l.Line, l.SkuId, names.GetValueOrDefault(l.SkuId)?.Code ?? "?",
                    names.GetValueOrDefault(l.SkuId) is { } s ? s.ProductName + (s.Spec is null ? "" : " " + s.Spec) : "", l.Quantity, l.Shipped, l.Received, l.InTransit(t.Status), l.ClosedDifference)).ToList()
                : [])).ToList();
    }

    private async Task<Transfer> FindAsync(Guid id, CancellationToken ct) =>
        await db.Set<Transfer>().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("transfer", id);

    private async Task<(Guid From, Guid To, string? Note, List<TransferLine> Lines)> CheckAsync(TransferInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var note = check.Optional("note", input.Note, 500);
        var ids = new[] { input.FromWarehouseId, input.ToWarehouseId }.OfType<Guid>().ToList();
        var warehouses = await db.Set<Warehouse>().AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        foreach (var (field, id) in new[] { ("fromWarehouseId", input.FromWarehouseId), ("toWarehouseId", input.ToWarehouseId) })
            if (id is null) check.Add(field, "required", $"{field} is required.");
            else if (!warehouses.TryGetValue(id.Value, out var w)) check.Add(field, "unknown_warehouse", $"No warehouse has the id {id}.", id);
            else if (!w.Active) check.Add(field, "inactive_warehouse", $"Warehouse {w.Code} is inactive.", w.Code);
        if (input.FromWarehouseId is { } a && a == input.ToWarehouseId) check.Add("toWarehouseId", "same_warehouse", "A transfer goes to another warehouse.");
        var given = (input.Lines ?? []).Select(l => l ?? new TransferLineInput()).ToList();
        if (given.Count == 0) check.Add("lines", "required", "A transfer needs at least one line.");
        if (given.Count > MaxLines) check.Add("lines", "too_many", $"A transfer has at most {MaxLines} lines.", MaxLines);
        var found = await SkuLines.ResolveAsync(skus, given.Select(l => (l.SkuId, l.SkuCode)).ToList(), check, ct);
        var lines = new List<TransferLine>();
        var seen = new Dictionary<Guid, int>();
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i].Quantity is not > 0) check.Add($"lines[{i}].quantity", "positive", $"lines[{i}]: the quantity must be at least 1.");
            else if (given[i].Quantity > Reservations.StockReservations.MaxQuantity)
                check.Add($"lines[{i}].quantity", "out_of_range", $"lines[{i}]: the quantity is at most {Reservations.StockReservations.MaxQuantity}.", 1, Reservations.StockReservations.MaxQuantity);
            if (found[i] is not { } sku) continue;
            if (seen.TryGetValue(sku.Id, out var other)) check.Add($"lines[{i}].skuCode", "duplicate", $"lines[{i}]: {sku.Code} is on line {other + 1} already.", sku.Code, other + 1);
            else seen[sku.Id] = i;
            if (given[i].Quantity is > 0) lines.Add(new TransferLine(i + 1, sku.Id, given[i].Quantity!.Value));
        }
        check.ThrowIfAny();
        return (input.FromWarehouseId!.Value, input.ToWarehouseId!.Value, note, lines);
    }
}
