using Microsoft.EntityFrameworkCore;
using Shelfbook.Channels.Contracts;
using Shelfbook.Data;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Ship;

/// <summary>A parcel that left: the order (by number), its tracking number, and the carrier when not the order's own.</summary>
public sealed record ShipRow(string? OrderNo, string? TrackingNo = null, string? CarrierCode = null);

/// <summary>
/// 简易发货 (<c>Simple</c>: every row has a tracking number), 称重发货 (<c>WeighShip</c>: the same, for parcels verified,
/// packed and weighed at the station) or 一键发货 (<c>OneClick</c>: rows, or ticked orders).
/// </summary>
public sealed record ShipRequest(string? Mode, IReadOnlyList<ShipRow>? Rows = null, IReadOnlyList<Guid>? OrderIds = null);

/// <summary>What became of a row: shipped (done), or skipped with the reason; and the write-back's state.</summary>
public sealed record ShipOutcome(int Row, Guid? OrderId, string? OrderNo, bool Shipped, string? Code, string? Message, string? TrackingNo,
    WriteBackState? WriteBack = null, string? WriteBackProblem = null, object[]? Arguments = null);

public sealed record ShipRun(int Shipped, int Skipped, IReadOnlyList<ShipOutcome> Results);

/// <summary>
/// 发货: orders leave with their parcels. One transaction for the whole call: each order's reservations become outbound
/// movements (Inventory, at moving average cost), the order moves to 已发货 (Orders), a parcel is recorded (unique per
/// order and per tracking number, so nothing ships twice however requests race) and, for 简易发货, every platform order
/// behind it is queued for confirmation (Channels; a merged order confirms each source order, a split one its lines).
/// Rows that are malformed refuse the call, naming the row and field; orders that cannot ship (unknown, not audited,
/// shipped already, a tracking number another parcel has) are skipped with the reason and the rest ship.
/// </summary>
public sealed class ShipParcels(TenantDbContext db, IShipOrders orders, IReserveStock stock, IConfirmShipments confirmations, CurrentUser user)
{
    public const int MaxRows = 100_000;

    /// <summary>Whether a mode needs a tracking number per row (every mode but 一键发货).</summary>
    internal static bool IsTracked(ShipMode mode) => mode is ShipMode.Simple or ShipMode.WeighShip or ShipMode.Virtual or ShipMode.Dropship;

    /// <summary>
    /// The request's mode, once every row is well formed: malformed rows refuse the whole request, naming the row and
    /// field (the first hundred), before anything is read or written. Shared by a call and a ship job.
    /// </summary>
    internal static ShipMode Validate(ShipRequest request, int maxRows)
    {
        var check = new InputCheck();
        var mode = check.OneOf<ShipMode>("mode", request.Mode);
        if (request.Mode is null) check.Add("mode", "required", "Choose how the orders ship: Simple, OneClick, WeighShip, Virtual or Dropship.");
        if (mode is ShipMode.ThirdParty)
            check.Add("mode", "not_here", "A third-party warehouse's orders ship by its shipment report (快速出库).", mode.ToString()!);
        var rows = request.Rows ?? [];
        var ids = request.OrderIds ?? [];
        if (rows.Count == 0 && ids.Count == 0) check.Add("rows", "required", "Give the orders to ship.");
        if (rows.Count > 0 && ids.Count > 0) check.Add("orderIds", "rows_or_ids", "Give rows or order ids, not both.");
        if (rows.Count + ids.Count > maxRows) check.Add("rows", "too_many", $"At most {maxRows} orders at a time.", maxRows);
        var tracked = mode is { } m && IsTracked(m);
        if (ids.Count > 0 && tracked) check.Add("orderIds", "tracking_required", "简易发货 and 称重发货 need a tracking number per order: give rows.");
        var seenOrders = new Dictionary<string, int>(StringComparer.Ordinal);
        var seenTracking = new Dictionary<string, int>(StringComparer.Ordinal);
        // The first hundred bad rows are named; a file that bad needs looking at anyway.
        var bad = 0;
        void Bad(string field, string code, string message, params object[] arguments)
        {
            bad++;
            check.Add(field, code, message, arguments);
        }
        for (var i = 0; i < rows.Count && bad < 100; i++)
        {
            var (at, row) = ($"rows[{i}].", rows[i] ?? new ShipRow(null));
            var no = row.OrderNo?.Trim();
            var tracking = row.TrackingNo?.Trim();
            if (string.IsNullOrEmpty(no)) Bad(at + "orderNo", "required", $"Row {i + 1}: the order number is missing.", i + 1);
            else if (no.Length > 64) Bad(at + "orderNo", "too_long", $"Row {i + 1}: an order number is at most 64 characters.", 64);
            else if (!seenOrders.TryAdd(no, i)) Bad(at + "orderNo", "duplicate_row", $"Row {i + 1}: order {no} is on row {seenOrders[no] + 1} too.", i + 1, no, seenOrders[no] + 1);
            if (string.IsNullOrEmpty(tracking))
            {
                if (tracked) Bad(at + "trackingNo", "required", $"Row {i + 1}: the tracking number is missing.", i + 1);
            }
            else if (tracking.Length > 64 || tracking.Any(char.IsWhiteSpace))
                Bad(at + "trackingNo", "invalid_tracking", $"Row {i + 1}: a tracking number is up to 64 characters without spaces.", i + 1);
            else if (!seenTracking.TryAdd(tracking, i))
                Bad(at + "trackingNo", "duplicate_row", $"Row {i + 1}: tracking number {tracking} is on row {seenTracking[tracking] + 1} too.", i + 1, tracking, seenTracking[tracking] + 1);
            if (row.CarrierCode is { Length: > 32 }) Bad(at + "carrierCode", "too_long", $"Row {i + 1}: the carrier code is longer than 32 characters.", 32);
        }
        check.ThrowIfAny();
        return mode!.Value;
    }

    public async Task<ShipRun> ShipAsync(ShipRequest request, CancellationToken ct)
    {
        var mode = Validate(request, MaxRows);
        var tracked = IsTracked(mode);
        var rows = request.Rows ?? [];
        var ids = request.OrderIds ?? [];

        var asked = rows.Count > 0
            ? rows.Select((r, i) => (Row: i, Id: (Guid?)null, No: r.OrderNo!.Trim(), Tracking: string.IsNullOrWhiteSpace(r.TrackingNo) ? null : r.TrackingNo.Trim(),
                Carrier: string.IsNullOrWhiteSpace(r.CarrierCode) ? null : r.CarrierCode.Trim().ToUpperInvariant())).ToList()
            : ids.Select((id, i) => (Row: i, Id: (Guid?)id, No: (string)"", Tracking: (string?)null, Carrier: (string?)null)).DistinctBy(a => a.Id).ToList();

        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        var found = await orders.FindAsync(asked.Where(a => a.Id is not null).Select(a => a.Id!.Value).ToList(), asked.Where(a => a.Id is null).Select(a => a.No).ToList(), ct);
        var byId = found.ToDictionary(o => o.OrderId);
        var byNo = found.ToDictionary(o => o.OrderNo, StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in asked.Select(a => a.Tracking).OfType<string>().Chunk(10_000))
            taken.UnionWith(await db.Set<Parcel>().Where(p => p.TrackingNo != null && EF.Parameter(chunk).Contains(p.TrackingNo)).Select(p => p.TrackingNo!).ToListAsync(ct));

        // 电子面单: an order numbered by a carrier leaves with that number; a number of another order or a cancelled one does not serve.
        var waybillOf = new Dictionary<Guid, (string TrackingNo, string CarrierCode)>();
        foreach (var chunk in found.Where(o => o.Shippable).Select(o => o.OrderId).Chunk(10_000))
            foreach (var w in await db.Set<Waybill>().Where(w => EF.Parameter(chunk).Contains(w.OrderId) && w.Status == WaybillStatus.Active)
                         .Select(w => new { w.OrderId, w.TrackingNo, w.CarrierCode }).ToListAsync(ct))
                waybillOf[w.OrderId] = (w.TrackingNo!, w.CarrierCode);
        var numbered = new Dictionary<string, (Guid OrderId, string OrderNo, WaybillStatus Status)>(StringComparer.Ordinal);
        foreach (var chunk in asked.Select(a => a.Tracking).OfType<string>().Chunk(10_000))
            foreach (var w in await db.Set<Waybill>().Where(w => w.TrackingNo != null && EF.Parameter(chunk).Contains(w.TrackingNo))
                         .Select(w => new { w.TrackingNo, w.OrderId, w.OrderNo, w.Status }).ToListAsync(ct))
                numbered[w.TrackingNo!] = (w.OrderId, w.OrderNo, w.Status);

        // 称重发货: only a parcel verified, packed and weighed (not held for its weight) leaves, with the weight the scale read.
        var packs = new Dictionary<Guid, PackRecord>();
        if (mode == ShipMode.WeighShip)
            foreach (var chunk in found.Select(o => o.OrderId).Chunk(10_000))
                foreach (var pack in await db.Set<PackRecord>().AsNoTracking().Where(p => EF.Parameter(chunk).Contains(p.OrderId)).ToListAsync(ct))
                    packs[pack.OrderId] = pack;

        // 虚拟发货: an order written back before it left completes with its parcel's number, whatever mode ships it now.
        // Open ones are few (hours of a day's virtual shipments), so they are read whole through their index rather than
        // looked up by a long list of order ids.
        var shippable = found.Where(o => o.Shippable).Select(o => o.OrderId).ToHashSet();
        var virtuals = (await db.Set<Parcel>().Where(p => p.Mode == ShipMode.Virtual && p.CompletedAt == null).ToListAsync(ct))
            .Where(p => shippable.Contains(p.OrderId)).ToDictionary(p => p.OrderId);

        // 发货方式: an order whose warehouse (or the order itself) names a mode ships by it only.
        var required = await Settings.ShipModes.RequiredAsync(db, found.Where(o => o.Shippable).Select(o => (o.OrderId, o.WarehouseId)).ToList(), ct);

        var results = new List<ShipOutcome>();
        var completing = new List<(int Row, OrderToShip Order, Parcel Parcel)>();
        var going = new List<(int Row, OrderToShip Order, string? Tracking, string? Carrier)>();
        foreach (var a in asked)
        {
            var order = a.Id is { } id ? byId.GetValueOrDefault(id) : byNo.GetValueOrDefault(a.No);
            var no = order?.OrderNo ?? (a.Id is null ? a.No : null);
            if (order is null)
                results.Add(new ShipOutcome(a.Row, a.Id, no, false, "order.not_found", $"No order {(object?)a.Id ?? a.No}.", a.Tracking, Arguments: [(object?)a.Id ?? a.No]));
            else if (order.Shipped)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "order.already_shipped",
                    $"Order {no} has shipped already{(order.TrackingNo is { } t ? $" with {t}" : "")}.", order.TrackingNo, Arguments: [no!, order.TrackingNo ?? ""]));
            else if (!order.Shippable)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "order.not_shippable", $"Order {no} is {order.Status}; only audited orders ship.", a.Tracking,
                    Arguments: [no!, order.Status]));
            else if (virtuals.TryGetValue(order.OrderId, out var open))
            {
                if (mode == ShipMode.Virtual)
                    results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "parcel.virtual_open", $"Order {no} was shipped virtually with {open.TrackingNo} already.",
                        open.TrackingNo, Arguments: [no!, open.TrackingNo ?? ""]));
                else if (a.Tracking is { } scanned && scanned != open.TrackingNo)
                    results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "waybill.mismatch", $"Order {no} has waybill {open.TrackingNo}, not {scanned}.", scanned,
                        Arguments: [no!, open.TrackingNo ?? "", scanned]));
                else if (mode == ShipMode.WeighShip && packs.GetValueOrDefault(order.OrderId) is not { PackedAt: not null, WeightGrams: not null, WeightHeld: false })
                    results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "pack.not_packed", $"Order {no} has not been verified, packed and weighed.", a.Tracking,
                        Arguments: [no!]));
                else completing.Add((a.Row, order, open));
            }
            else if (a.Tracking is { } tracking && taken.Contains(tracking))
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "parcel.tracking_used", $"Tracking number {tracking} is on another parcel already.", tracking,
                    Arguments: [tracking]));
            else if (required.TryGetValue(order.OrderId, out var must) && must != mode)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "parcel.mode", $"Order {no} ships by {must} only.", a.Tracking, Arguments: [no!, must.ToString()]));
            else if (mode == ShipMode.Dropship && !required.ContainsKey(order.OrderId))
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "parcel.not_dropship", $"Order {no} is not in a supplier's dropship warehouse.", a.Tracking,
                    Arguments: [no!]));
            else if (a.Tracking is { } number && numbered.TryGetValue(number, out var w) && w.Status == WaybillStatus.Cancelled)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "waybill.cancelled", $"Waybill {number} was cancelled; print the order's new label.", number,
                    Arguments: [number]));
            else if (a.Tracking is { } other && numbered.TryGetValue(other, out var theirs) && theirs.OrderId != order.OrderId)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "waybill.other_order", $"Waybill {other} belongs to order {theirs.OrderNo}, not {no}.", other,
                    Arguments: [other, theirs.OrderNo, no!]));
            else if (a.Tracking is { } given && waybillOf.TryGetValue(order.OrderId, out var own) && own.TrackingNo != given)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "waybill.mismatch", $"Order {no} has waybill {own.TrackingNo}, not {given}.", given,
                    Arguments: [no!, own.TrackingNo, given]));
            else if (mode == ShipMode.WeighShip && packs.GetValueOrDefault(order.OrderId) is not { PackedAt: not null, WeightGrams: not null, WeightHeld: false } pack)
            {
                var held = packs.GetValueOrDefault(order.OrderId);
                var (code, message) = held?.PackedAt is null ? ("pack.not_packed", $"Order {no} has not been verified and packed.")
                    : held.WeightGrams is null ? ("pack.not_weighed", $"Order {no} has not been weighed.")
                    : ("pack.weight_check", $"Order {no} weighed {held.WeightGrams} g against {held.EstimatedGrams} g estimated: held for a check.");
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, code, message, a.Tracking, Arguments: [no!, held?.WeightGrams ?? 0, held?.EstimatedGrams ?? 0]));
            }
            else if (tracked && (a.Carrier ?? order.CarrierCode) is null)
                results.Add(new ShipOutcome(a.Row, order.OrderId, no, false, "parcel.carrier_required", $"Order {no} has no carrier: give the carrier code.", a.Tracking,
                    Arguments: [no!]));
            // A parcel with the carrier's number leaves with that carrier, whatever the order says now.
            else if (waybillOf.TryGetValue(order.OrderId, out var label)) going.Add((a.Row, order, label.TrackingNo, label.CarrierCode));
            else going.Add((a.Row, order, a.Tracking, a.Carrier ?? order.CarrierCode));
        }

        if (completing.Count > 0)
        {
            // The platform knows already: the stock goes out now, the order ships with the parcel's number, nothing is written back again.
            var now = db.Time.StoredUtcNow();
            await stock.ConsumeAsync(completing.Select(c => new ShipmentToConsume(c.Order.OrderId, c.Parcel.TrackingNo)).ToList(), ct);
            await orders.MarkShippedAsync(completing.Select(c => new OrderShipped(c.Order.OrderId, c.Parcel.TrackingNo, c.Parcel.CarrierCode, ShipMode.Virtual.ToString())).ToList(), ct);
            foreach (var (_, order, parcel) in completing)
                (parcel.CompletedAt, parcel.WeightGrams) = (now, packs.GetValueOrDefault(order.OrderId)?.WeightGrams ?? parcel.WeightGrams);
            await db.SaveChangesAsync(ct);
            foreach (var (row, order, parcel) in completing)
                results.Add(new ShipOutcome(row, order.OrderId, order.OrderNo, true, null, null, parcel.TrackingNo, parcel.WriteBack, parcel.WriteBackProblem));
        }

        if (going.Count > 0)
        {
            // 回传 for 简易发货: every platform order behind each parcel, queued in this transaction.
            var (queued, problems) = tracked
                ? await QueueWriteBacksAsync(confirmations, going.Select(g => (g.Order, g.Tracking, g.Carrier)).ToList(), ct)
                : ([], new Dictionary<Guid, List<string>>());
            var now = db.Time.StoredUtcNow();
            var parcels = going.Select(g => new Parcel
            {
                OrderId = g.Order.OrderId, OrderNo = g.Order.OrderNo, WarehouseId = g.Order.WarehouseId, CarrierCode = g.Carrier, TrackingNo = g.Tracking, Mode = mode,
                ShippedAt = now, ShippedById = user.UserId, ShippedBy = user.UserName, WeightGrams = packs.GetValueOrDefault(g.Order.OrderId)?.WeightGrams,
                CompletedAt = mode == ShipMode.Virtual ? null : now,
                WriteBack = problems.ContainsKey(g.Order.OrderId) ? WriteBackState.Failed : queued.Contains(g.Order.OrderId) ? WriteBackState.Queued : WriteBackState.NotNeeded,
                WriteBackProblem = problems.TryGetValue(g.Order.OrderId, out var p) ? Cut(string.Join("; ", p)) : null,
            }).ToList();
            // The waybills these parcels leave with are written in this transaction (a no-op that takes their rows), so a
            // cancel racing this ship waits for it and then finds the parcel; one cancelled meanwhile refuses the call.
            var labelled = going.Where(g => waybillOf.ContainsKey(g.Order.OrderId)).Select(g => g.Tracking!).ToList();
            foreach (var chunk in labelled.Chunk(10_000))
            {
                var live = await db.Set<Waybill>().Where(w => w.TrackingNo != null && EF.Parameter(chunk).Contains(w.TrackingNo) && w.Status == WaybillStatus.Active)
                    .ExecuteUpdateAsync(u => u.SetProperty(w => w.Status, WaybillStatus.Active), ct);
                if (live != chunk.Length) throw new DbUpdateConcurrencyException($"{chunk.Length - live} of the waybills were cancelled while the parcels were being shipped.");
            }
            try
            {
                await db.BulkInsertAsync(parcels, ct);
            }
            catch (DbUpdateException e) when (DatabaseErrors.IsUniqueViolation(e))
            {
                // Another call shipped one of these orders (or used one of these numbers) after this one read them: a lost
                // race like any order changed meanwhile, not a duplicate the caller sent — nothing shipped, try again.
                throw new DbUpdateConcurrencyException("An order or tracking number was shipped by another call meanwhile; nothing was shipped, try again.", e);
            }
            // 虚拟发货 writes back only: the order stays in fulfillment with its stock until its parcel completes.
            if (mode != ShipMode.Virtual)
            {
                await stock.ConsumeAsync(going.Select(g => new ShipmentToConsume(g.Order.OrderId, g.Tracking)).ToList(), ct);
                await orders.MarkShippedAsync(going.Select(g => new OrderShipped(g.Order.OrderId, g.Tracking, g.Carrier, mode.ToString())).ToList(), ct);
            }
            foreach (var (g, parcel) in going.Zip(parcels))
                results.Add(new ShipOutcome(g.Row, g.Order.OrderId, g.Order.OrderNo, true, null, null, g.Tracking, parcel.WriteBack, parcel.WriteBackProblem));
        }
        if (tx is not null) await tx.CommitAsync(ct);
        var ordered = results.OrderBy(r => r.Row).ToList();
        return new ShipRun(going.Count + completing.Count, ordered.Count - going.Count - completing.Count, ordered);
    }

    /// <summary>
    /// 回传: every platform order behind each parcel queued in the caller's transaction (a merged order confirms each
    /// source order, a split one its own lines); answers the orders queued and, per order, what could not be.
    /// </summary>
    internal static async Task<(HashSet<Guid> Queued, Dictionary<Guid, List<string>> Problems)> QueueWriteBacksAsync(IConfirmShipments confirmations,
        IReadOnlyList<(OrderToShip Order, string? Tracking, string? Carrier)> parcels, CancellationToken ct)
    {
        var problems = new Dictionary<Guid, List<string>>();
        var queued = new HashSet<Guid>();
        var requests = parcels.SelectMany(g => g.Order.Targets.Select(t => (g.Order.OrderId, Request: new ConfirmShipmentRequest(t.ShopId, t.PlatformOrderNo, g.Tracking,
            g.Carrier, t.PlatformLineIds)))).ToList();
        var answers = requests.Count == 0 ? [] : await confirmations.EnqueueManyAsync(requests.Select(r => r.Request).ToList(), ct);
        for (var i = 0; i < requests.Count; i++)
            if (answers[i].Queued) queued.Add(requests[i].OrderId);
            else
            {
                if (!problems.TryGetValue(requests[i].OrderId, out var list)) problems[requests[i].OrderId] = list = [];
                list.Add($"{requests[i].Request.PlatformOrderId}: {answers[i].Message}");
            }
        return (queued, problems);
    }

    internal static string? Cut(string? text) => text is null || text.Length <= 500 ? text : text[..500];
}
