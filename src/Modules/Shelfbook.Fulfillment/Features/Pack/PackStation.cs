using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Pack;

/// <summary>A scan at the station: a barcode, SKU code or alias, and how many units it stands for (one when not typed).</summary>
public sealed record ScanInput(string? Code, int? Quantity = null);

/// <summary>One SKU of the parcel: how many it must hold and how many were scanned.</summary>
public sealed record PackLine(Guid SkuId, string SkuCode, string? Name, string? Spec, int Expected, int Scanned);

/// <summary>An order at the station: what it must hold, its live waybill, whether it is packed and weighed.</summary>
public sealed record PackOrder(
    Guid OrderId, string OrderNo, Guid WarehouseId, string? CarrierCode, string? TrackingNo, int Slot, string? ReceiverName, string? Place, string? Remark,
    IReadOnlyList<PackLine> Lines, bool Packed, long EstimatedGrams, int? WeightGrams, bool WeightHeld, long? Freight, string? Currency)
{
    public int Units => Lines.Sum(l => l.Expected);
    public bool Complete => Lines.All(l => l.Scanned == l.Expected);
}

/// <summary>
/// The scans so far checked against the order: the lines with the units the valid scans account for, and the first
/// scan refused (<see cref="RefusedAt"/>, its code <c>pack.wrong_item</c>, <c>pack.extra_item</c> or
/// <c>pack.unknown_code</c>) — the station refuses it loudly and the scans after it are not counted.
/// </summary>
public sealed record PackCheck(PackOrder Order, int? RefusedAt, string? Code, string? Message, object[]? Arguments);

public sealed record PackRequest(Guid? OrderId, IReadOnlyList<ScanInput>? Scans);

public sealed record WeighRequest(Guid? OrderId, int? Grams);

/// <summary>A weighing: within tolerance or held for a check, and the freight at that weight.</summary>
public sealed record WeighResult(PackOrder Order, bool Within, long Tolerance);

public sealed record FulfillmentSettingsView(int WeightTolerancePercent, int WeightToleranceGrams);

public sealed record FulfillmentSettingsInput(int? WeightTolerancePercent, int? WeightToleranceGrams);

/// <summary>
/// 验货打包 and 称重: the station finds an order by its number, a tracking number or a slot of the wave at hand (and
/// refuses one of another warehouse, intercepted, shipped, not audited, or a cancelled number); checks each scan
/// against the goods (combo parts as parts; a combo's own barcode counts its parts); packs the order when every unit
/// is scanned and nothing is wrong or extra; weighs it against the estimate — out of the tenant's tolerance the parcel
/// is held for a check (待核重) until weighed again within it or the weight is accepted — and prices the freight at the
/// weighed weight with the order's carrier.
/// </summary>
public sealed class PackStation(TenantDbContext db, IShipOrders orders, ISkuDirectory skus, IChooseCarriers carriers, CurrentUser user)
{
    public const int MaxGrams = 150_000;
    public const int MaxScans = 5_000;

    public async Task<PackOrder> FindAsync(string? code, Guid? warehouseId, Guid? waveId, CancellationToken ct)
    {
        var text = code?.Trim() ?? "";
        if (text.Length == 0) throw new InputRejectedException("code", "required", "Scan an order number, a tracking number or a slot.");
        Guid? orderId = null;
        if (waveId is { } wave && text.Length <= 5 && text.All(char.IsAsciiDigit))
            orderId = await db.Set<WaveOrder>().Where(o => o.WaveId == wave && o.Slot == int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) && o.RemovedAt == null)
                .Select(o => (Guid?)o.OrderId).FirstOrDefaultAsync(ct);
        orderId ??= await orders.Labels.Where(o => o.OrderNo == text).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(ct);
        if (orderId is null)
        {
            var waybill = await db.Set<Waybill>().AsNoTracking().Where(w => w.TrackingNo == text).Select(w => new { w.OrderId, w.Status }).FirstOrDefaultAsync(ct);
            if (waybill?.Status == WaybillStatus.Cancelled)
                throw new RuleViolatedException("waybill.cancelled", $"Waybill {text} was cancelled; print the order's new label.", text);
            orderId = waybill?.OrderId ?? await db.Set<Parcel>().Where(p => p.TrackingNo == text).Select(p => (Guid?)p.OrderId).FirstOrDefaultAsync(ct);
        }
        if (orderId is null) throw new RuleViolatedException("pack.not_found", $"No order, tracking number or slot {text}.", text);
        var order = await ReadAsync(orderId.Value, ct);
        if (warehouseId is { } station && order.WarehouseId != station)
        {
            var other = await WarehouseQueries.Summaries(db).Where(w => w.Id == order.WarehouseId).Select(w => w.Code).FirstOrDefaultAsync(ct);
            throw new RuleViolatedException("pack.other_warehouse", $"Order {order.OrderNo} ships from warehouse {other}, not this one.", order.OrderNo, other ?? "");
        }
        return order;
    }

    /// <summary>The order as the station shows it, refused when it must not be packed.</summary>
    private async Task<PackOrder> ReadAsync(Guid orderId, CancellationToken ct, IReadOnlyDictionary<Guid, int>? scanned = null)
    {
        var label = await orders.Labels.SingleOrDefaultAsync(o => o.Id == orderId, ct) ?? throw new NotFoundException("order", orderId);
        if (label.Intercepted) throw new RuleViolatedException("order.intercepted", $"Order {label.OrderNo} is intercepted: do not ship it.", label.OrderNo);
        if (label.Shipped) throw new RuleViolatedException("order.shipped", $"Order {label.OrderNo} has shipped already.", label.OrderNo);
        if (!label.Shippable || label.WarehouseId is null)
            throw new RuleViolatedException("order.not_audited", $"Order {label.OrderNo} is not audited; only audited orders are packed.", label.OrderNo);
        var items = await orders.Items.Where(i => i.OrderId == orderId).ToListAsync(ct);
        var known = await skus.ByIdsAsync(items.Select(i => i.SkuId).Distinct(), ct);
        var lines = items.GroupBy(i => i.SkuId).Select(g =>
            {
                var sku = known.GetValueOrDefault(g.Key);
                return new PackLine(g.Key, sku?.Code ?? g.First().SkuCode, sku?.ProductName, sku?.Spec, g.Sum(i => i.Quantity), scanned?.GetValueOrDefault(g.Key) ?? 0);
            })
            .OrderBy(l => l.SkuCode, StringComparer.Ordinal).ToList();
        var pack = await db.Set<PackRecord>().AsNoTracking().SingleOrDefaultAsync(p => p.OrderId == orderId, ct);
        var tracking = await db.Set<Waybill>().Where(w => w.OrderId == orderId && w.Status == WaybillStatus.Active).Select(w => w.TrackingNo).FirstOrDefaultAsync(ct);
        var slot = await db.Set<WaveOrder>().Where(o => o.OrderId == orderId && o.RemovedAt == null).OrderByDescending(o => o.WaveId).Select(o => o.Slot).FirstOrDefaultAsync(ct);
        if (pack?.PackedAt is not null && scanned is null) lines = lines.Select(l => l with { Scanned = l.Expected }).ToList();
        var remark = string.Join(" ", new[] { label.BuyerMessage, label.SellerMemo }.Where(r => !string.IsNullOrWhiteSpace(r)));
        return new PackOrder(orderId, label.OrderNo, label.WarehouseId.Value, label.CarrierCode, tracking, slot, label.ReceiverName,
            string.Join(" ", new[] { label.Province, label.City }.Where(p => !string.IsNullOrWhiteSpace(p))), remark.Length == 0 ? null : remark, lines,
            pack?.PackedAt is not null, label.WeightGrams, pack?.WeightGrams, pack?.WeightHeld ?? false, pack?.Freight, pack?.Currency);
    }

    /// <summary>Checks the scans so far; the first refused scan stops the count (the station refuses it, the worker scans again).</summary>
    public async Task<PackCheck> CheckAsync(Guid orderId, IReadOnlyList<ScanInput> scans, CancellationToken ct)
    {
        var check = new InputCheck();
        CheckScans(check, scans, allowEmpty: true);
        check.ThrowIfAny();
        var order = await ReadAsync(orderId, ct);
        var (counted, refusedAt, code, message, arguments) = await CountAsync(order, scans, ct);
        return new PackCheck(order with { Lines = order.Lines.Select(l => l with { Scanned = counted.GetValueOrDefault(l.SkuId) }).ToList() }, refusedAt, code, message, arguments);
    }

    private async Task<(Dictionary<Guid, int> Counted, int? RefusedAt, string? Code, string? Message, object[]? Arguments)> CountAsync(PackOrder order,
        IReadOnlyList<ScanInput> scans, CancellationToken ct)
    {
        var codes = scans.Select(s => s.Code?.Trim()).OfType<string>().Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var found = await skus.FindByCodesAsync(codes, ct);
        var byCode = new Dictionary<string, SkuSummary>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in found) byCode[key] = value;
        var combos = byCode.Values.Where(s => s.IsCombo).Select(s => s.Id).Distinct().ToList();
        var parts = (combos.Count == 0 ? [] : await skus.ComboParts.Where(p => combos.Contains(p.ComboSkuId)).ToListAsync(ct)).ToLookup(p => p.ComboSkuId);
        var expected = order.Lines.ToDictionary(l => l.SkuId, l => l.Expected);
        var counted = new Dictionary<Guid, int>();
        for (var i = 0; i < scans.Count; i++)
        {
            var scan = scans[i];
            var text = scan.Code?.Trim() ?? "";
            var quantity = scan.Quantity ?? 1;
            if (!byCode.TryGetValue(text, out var sku))
                return (counted, i, "pack.unknown_code", $"{text} is no SKU code, alias or barcode.", [text]);
            // A combo's own barcode (a pre-packed set) stands for its parts when the order holds the parts.
            List<(Guid Sku, int Units)> units = sku.IsCombo && !expected.ContainsKey(sku.Id) && parts[sku.Id].Any()
                ? parts[sku.Id].Select(p => (p.ComponentSkuId, p.Quantity * quantity)).ToList()
                : [(sku.Id, quantity)];
            if (units.Any(u => !expected.ContainsKey(u.Sku)))
                return (counted, i, "pack.wrong_item", $"{sku.Code} is not in order {order.OrderNo}.", [sku.Code, order.OrderNo]);
            if (units.Any(u => counted.GetValueOrDefault(u.Sku) + u.Units > expected[u.Sku]))
                return (counted, i, "pack.extra_item", $"Order {order.OrderNo} holds only {expected[units[0].Sku]} of {sku.Code}.", [order.OrderNo, expected[units[0].Sku], sku.Code]);
            foreach (var (id, n) in units) counted[id] = counted.GetValueOrDefault(id) + n;
        }
        return (counted, null, null, null, null);
    }

    /// <summary>验货完成: every unit scanned, nothing wrong or extra; the order is packed.</summary>
    public async Task<PackOrder> PackAsync(PackRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        if (request.OrderId is null) check.Add("orderId", "required", "Which order?");
        var scans = request.Scans ?? [];
        CheckScans(check, scans, allowEmpty: false);
        check.ThrowIfAny();
        var order = await ReadAsync(request.OrderId!.Value, ct);
        var (counted, refusedAt, code, message, arguments) = await CountAsync(order, scans, ct);
        if (refusedAt is { } at) throw new InputRejectedException([new FieldError($"scans[{at}].code", code!, message!, arguments!)]);
        var missing = order.Lines.Where(l => counted.GetValueOrDefault(l.SkuId) < l.Expected).ToList();
        if (missing.Count > 0)
            throw new RuleViolatedException("pack.incomplete", $"Still to scan: {string.Join(", ", missing.Select(l => $"{l.SkuCode}×{l.Expected - counted.GetValueOrDefault(l.SkuId)}"))}.",
                string.Join(", ", missing.Select(l => $"{l.SkuCode}×{l.Expected - counted.GetValueOrDefault(l.SkuId)}")));
        var record = await RecordAsync(order, ct);
        (record.Units, record.PackedAt, record.PackedBy) = (order.Units, db.Time.StoredUtcNow(), user.UserName);
        await db.SaveChangesAsync(ct);
        return await ReadAsync(order.OrderId, ct);
    }

    private static void CheckScans(InputCheck check, IReadOnlyList<ScanInput?> scans, bool allowEmpty)
    {
        if (scans.Count == 0 && !allowEmpty) check.Add("scans", "required", "Scan the goods.");
        if (scans.Count > MaxScans) check.Add("scans", "too_many", $"At most {MaxScans} scans.", MaxScans);
        for (var i = 0; i < scans.Count && i < MaxScans && check.Count < 20; i++)
        {
            if (string.IsNullOrWhiteSpace(scans[i]?.Code)) check.Add($"scans[{i}].code", "required", $"Scan {i + 1} has no code.", i + 1);
            if (scans[i]?.Quantity is < 1 or > 10_000) check.Add($"scans[{i}].quantity", "out_of_range", "A scan stands for 1–10,000 units.", 1, 10_000);
        }
    }

    private async Task<PackRecord> RecordAsync(PackOrder order, CancellationToken ct)
    {
        var record = await db.Set<PackRecord>().SingleOrDefaultAsync(p => p.OrderId == order.OrderId, ct);
        if (record is null)
            db.Add(record = new PackRecord { OrderId = order.OrderId, OrderNo = order.OrderNo, WarehouseId = order.WarehouseId, EstimatedGrams = order.EstimatedGrams });
        return record;
    }

    /// <summary>称重: the weight against the estimate; out of tolerance holds the parcel for a check. The freight is priced at the weight.</summary>
    public async Task<WeighResult> WeighAsync(WeighRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        if (request.OrderId is null) check.Add("orderId", "required", "Which order?");
        if (request.Grams is not { } grams) check.Add("grams", "required", "Enter or scan the weight.");
        else if (grams is < 1 or > MaxGrams) check.Add("grams", "out_of_range", $"A parcel weighs 1 g to {MaxGrams / 1000} kg.", 1, MaxGrams / 1000);
        check.ThrowIfAny();
        var order = await ReadAsync(request.OrderId!.Value, ct);
        var settings = await SettingsAsync(ct);
        var label = await orders.Labels.SingleAsync(o => o.Id == order.OrderId, ct);
        var within = settings.Within(order.EstimatedGrams, request.Grams!.Value);
        var record = await RecordAsync(order, ct);
        (record.WeightGrams, record.WeighedAt, record.WeighedBy, record.WeightHeld) = (request.Grams, db.Time.StoredUtcNow(), user.UserName, !within);
        (record.Freight, record.Currency) = (null, null);
        if (order.CarrierCode is not null)
        {
            var choice = (await carriers.ChooseAsync([new ParcelToShip(order.OrderId, order.WarehouseId, label.ShopId, label.Country, label.Province, label.Paid,
                request.Grams.Value, label.VolumeMm3, order.CarrierCode)], ct))[0];
            (record.Freight, record.Currency) = (choice.Freight, choice.Currency);
        }
        await db.SaveChangesAsync(ct);
        return new WeighResult(await ReadAsync(order.OrderId, ct), within, Math.Max(order.EstimatedGrams * settings.WeightTolerancePercent / 100, settings.WeightToleranceGrams));
    }

    /// <summary>A lead accepts a weight out of tolerance (checked: the goods are right); the parcel may ship.</summary>
    public async Task<PackOrder> AcceptWeightAsync(Guid orderId, CancellationToken ct)
    {
        var record = await db.Set<PackRecord>().SingleOrDefaultAsync(p => p.OrderId == orderId, ct) ?? throw new NotFoundException("pack", orderId);
        if (!record.WeightHeld) throw new RuleViolatedException("pack.not_held", $"Order {record.OrderNo} is not held for its weight.", record.OrderNo);
        record.WeightHeld = false;
        db.Add(new AuditEntry
        {
            At = db.Time.StoredUtcNow(), UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "parcel", EntityId = record.OrderNo,
            Action = "accept_weight", Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]> { ["weight"] = [record.EstimatedGrams, record.WeightGrams] }),
        });
        await db.SaveChangesAsync(ct);
        return await ReadAsync(orderId, ct);
    }

    /// <summary>Parcels held for their weight, oldest first, of a warehouse or all.</summary>
    public async Task<IReadOnlyList<PackRecord>> HeldAsync(Guid? warehouseId, CancellationToken ct)
    {
        var query = db.Set<PackRecord>().AsNoTracking().Where(p => p.WeightHeld);
        if (warehouseId is { } w) query = query.Where(p => p.WarehouseId == w);
        return await query.OrderBy(p => p.WeighedAt).Take(500).ToListAsync(ct);
    }

    public async Task<FulfillmentSettings> SettingsAsync(CancellationToken ct) =>
        await db.Set<FulfillmentSettings>().AsNoTracking().SingleOrDefaultAsync(ct) ?? new FulfillmentSettings();

    public async Task<FulfillmentSettingsView> SetSettingsAsync(FulfillmentSettingsInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        if (input.WeightTolerancePercent is null) check.Add("weightTolerancePercent", "required", "Give the tolerance in percent (0 for none).");
        if (input.WeightToleranceGrams is null) check.Add("weightToleranceGrams", "required", "Give the tolerance in grams (0 for none).");
        if (input.WeightTolerancePercent is < 0 or > 100) check.Add("weightTolerancePercent", "out_of_range", "0–100 %.", 0, 100);
        if (input.WeightToleranceGrams is < 0 or > 10_000) check.Add("weightToleranceGrams", "out_of_range", "0–10,000 g.", 0, 10_000);
        check.ThrowIfAny();
        var settings = await db.Set<FulfillmentSettings>().SingleOrDefaultAsync(ct);
        if (settings is null) db.Add(settings = new FulfillmentSettings());
        (settings.WeightTolerancePercent, settings.WeightToleranceGrams, settings.UpdatedAt) = (input.WeightTolerancePercent!.Value, input.WeightToleranceGrams!.Value, db.Time.StoredUtcNow());
        await db.SaveChangesAsync(ct);
        return new FulfillmentSettingsView(settings.WeightTolerancePercent, settings.WeightToleranceGrams);
    }
}
