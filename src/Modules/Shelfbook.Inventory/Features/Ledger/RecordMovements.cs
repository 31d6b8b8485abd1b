using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.StockDocuments;
using Shelfbook.Kernel;

namespace Shelfbook.Inventory.Features.Ledger;

/// <summary>
/// One movement sent by another system (a WMS, a purchase tool): the warehouse and SKU by id or code, a signed
/// quantity, and the caller's idempotency key, so that a retried request books nothing twice.
/// </summary>
public sealed record MovementInput(
    string? IdempotencyKey, string? Type, int? Quantity, Guid? WarehouseId = null, string? WarehouseCode = null, Guid? SkuId = null,
    string? SkuCode = null, string? Condition = null, string? Reason = null, long? UnitCost = null, string? SourceNo = null);

public sealed record MovementsInput(IReadOnlyList<MovementInput>? Movements);

public sealed record MovementView(
    long Id, Guid WarehouseId, Guid SkuId, string Condition, int Quantity, string Type, string? Reason, string? SourceType, string? SourceId,
    string? SourceNo, long UnitCost, long OnHandAfter, string OperatorName, DateTime At, string IdempotencyKey);

public sealed record RecordedMovements(bool Replayed, IReadOnlyList<MovementView> Movements);

/// <summary>The API's direct posting of receipts, issues and returns; all of a request or none of it.</summary>
public sealed class RecordMovements(TenantDbContext db, ISkuDirectory skus, StockPosting posting)
{
    public const int MaxMovements = 10_000;

    /// <summary>The highest unit cost accepted, in minor units (¥10 billion): far beyond any SKU, far below an overflow.</summary>
    public const long MaxUnitCost = 1_000_000_000_000;

    private static readonly MovementType[] Allowed = [MovementType.ManualIn, MovementType.ManualOut, MovementType.PurchaseReceipt, MovementType.Return];

    public async Task<RecordedMovements> RecordAsync(MovementsInput input, CancellationToken ct)
    {
        var given = (input.Movements ?? []).Select(m => m ?? new MovementInput(null, null, null)).ToList();
        var check = new InputCheck();
        if (given.Count == 0) check.Add("movements", "required", "Send at least one movement.");
        if (given.Count > MaxMovements) check.Add("movements", "too_many", $"Send at most {MaxMovements} movements per request.", MaxMovements);
        check.ThrowIfAny();

        var codes = given.Where(m => m.WarehouseId is null && !string.IsNullOrWhiteSpace(m.WarehouseCode)).Select(m => Warehouse.Normalize(m.WarehouseCode!)).Distinct().ToList();
        var byCode = await db.Set<Warehouse>().AsNoTracking().Where(w => codes.Contains(w.NormalizedCode)).ToDictionaryAsync(w => w.NormalizedCode, w => w.Id, ct);
        var found = await SkuLines.ResolveAsync(skus, given.Select(m => (m.SkuId, m.SkuCode)).ToList(), check, ct);
        var drafts = new List<MovementDraft>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            var m = given[i];
            var field = $"movements[{i}]";
            var type = check.OneOf<MovementType>($"{field}.type", m.Type);
            if (type is { } t && !Allowed.Contains(t))
                check.Add($"{field}.type", "not_allowed", $"{field}: post {t} through its document; the API takes {string.Join(", ", Allowed)}.", t.ToString());
            var condition = string.IsNullOrWhiteSpace(m.Condition) ? StockCondition.Sellable : check.OneOf<StockCondition>($"{field}.condition", m.Condition) ?? StockCondition.Sellable;
            if (condition == StockCondition.InTransit) check.Add($"{field}.condition", "invalid", $"{field}: in-transit stock moves only with its transfer.");
            Guid? warehouse = m.WarehouseId;
            if (warehouse is null)
            {
                if (string.IsNullOrWhiteSpace(m.WarehouseCode)) check.Add($"{field}.warehouseCode", "required", $"{field}: name the warehouse by id or code.");
                else if (byCode.TryGetValue(Warehouse.Normalize(m.WarehouseCode), out var id)) warehouse = id;
                else check.Add($"{field}.warehouseCode", "unknown_warehouse", $"{field}: no warehouse has the code '{m.WarehouseCode.Trim()}'.", m.WarehouseCode.Trim());
            }
            var inbound = type is MovementType.ManualIn or MovementType.PurchaseReceipt or MovementType.Return;
            if (m.Quantity is not > 0) check.Add($"{field}.quantity", "positive", $"{field}: the quantity must be at least 1 (the type says in or out).");
            if (m.Quantity > Reservations.StockReservations.MaxQuantity)
                check.Add($"{field}.quantity", "out_of_range", $"{field}: the quantity is at most {Reservations.StockReservations.MaxQuantity}.", 1, Reservations.StockReservations.MaxQuantity);
            if (m.UnitCost > MaxUnitCost) check.Add($"{field}.unitCost", "out_of_range", $"{field}: the unit cost is at most {MaxUnitCost}.", 0, MaxUnitCost);
            if (m.UnitCost is { } cost && (cost < 0 || !inbound)) check.Add($"{field}.unitCost", "not_allowed", $"{field}: only a receipt carries a unit cost, and it is not negative.");
            if (check.HasErrors || found[i] is null || warehouse is null || type is null || m.Quantity is null) continue;
            drafts.Add(new MovementDraft(warehouse.Value, found[i]!.Id, condition, inbound ? m.Quantity.Value : -m.Quantity.Value, type.Value,
                m.IdempotencyKey?.Trim() ?? "", field, string.IsNullOrWhiteSpace(m.Reason) ? null : m.Reason.Trim(), "api", null,
                string.IsNullOrWhiteSpace(m.SourceNo) ? null : m.SourceNo.Trim(), m.UnitCost));
        }
        check.ThrowIfAny();
        foreach (var d in drafts)
            if (d.Reason is { Length: > 32 }) check.Add($"{d.Field}.reason", "too_long", $"{d.Field}: a reason code has at most 32 characters.", 32);
            else if (d.SourceNo is { Length: > 64 }) check.Add($"{d.Field}.sourceNo", "too_long", $"{d.Field}: a source number has at most 64 characters.", 64);
        check.ThrowIfAny();
        var posted = await posting.PostAsync(drafts, ct);
        var keys = drafts.Select(d => d.IdempotencyKey).ToList();
        var rows = new List<StockMovement>();
        foreach (var chunk in keys.Chunk(500))
            rows.AddRange(await db.Set<StockMovement>().AsNoTracking().Where(m => EF.Parameter(chunk).Contains(m.IdempotencyKey)).ToListAsync(ct));
        var order = keys.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);
        return new RecordedMovements(posted.Replayed, rows.OrderBy(r => order[r.IdempotencyKey]).Select(View).ToList());
    }

    public static MovementView View(StockMovement m) => new(
        m.Id, m.WarehouseId, m.SkuId, m.Condition.ToString(), m.Quantity, m.Type.ToString(), m.Reason, m.SourceType, m.SourceId, m.SourceNo,
        m.UnitCost, m.OnHandAfter, m.OperatorName, m.At, m.IdempotencyKey);
}
