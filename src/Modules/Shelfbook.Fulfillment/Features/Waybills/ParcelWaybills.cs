using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Waybills;

/// <summary>Numbers for a wave's orders (those still in it), or for orders picked by id.</summary>
public sealed record FetchWaybillsRequest(Guid? WaveId = null, IReadOnlyList<Guid>? OrderIds = null);

/// <summary>
/// What became of an order: numbered now (<see cref="Issued"/>), numbered before (<see cref="Already"/>, the number it
/// has), or not, with the reason — ours (<c>order.*</c>, <c>waybill.no_carrier</c>) or the carrier's words.
/// </summary>
public sealed record WaybillOutcome(Guid OrderId, string? OrderNo, bool Issued, bool Already, string? TrackingNo, string? CarrierCode, string? Code, string? Message,
    object[]? Arguments = null);

public sealed record WaybillRun(int Issued, int Already, int Failed, IReadOnlyList<WaybillOutcome> Results);

public sealed record WaybillView(Guid Id, Guid OrderId, string OrderNo, string CarrierCode, string? TrackingNo, string Status, DateTime RequestedAt, DateTime? IssuedAt,
    DateTime? CancelledAt, string? RequestedBy, int Prints, DateTime? PrintedAt);

/// <summary>
/// 电子面单 for parcels: fetches tracking numbers from the carriers (Logistics' <see cref="IIssueWaybills"/>) for audited
/// orders, never twice for the same parcel: a row per request is written first (unique per order while not cancelled),
/// then the carrier is asked with the row's reference, which it answers with the same number if asked again — so a
/// crash, a timeout or two stations at once leave one number. Cancelling returns the number to the carrier and lets
/// the order be numbered again, under a new reference.
/// </summary>
public sealed class ParcelWaybills(TenantDbContext db, IShipOrders orders, IIssueWaybills carriers, CurrentUser user)
{
    public const int MaxOrders = Wave.MaxOrders;

    public async Task<WaybillRun> FetchAsync(FetchWaybillsRequest request, CancellationToken ct)
    {
        var (ids, _) = await WaveSelection.ResolveAsync(db, request.WaveId, request.OrderIds, MaxOrders, ct);

        var labels = new Dictionary<Guid, OrderLabel>();
        var live = new Dictionary<Guid, Waybill>();
        var cancelled = new Dictionary<Guid, int>();
        var virtuals = new Dictionary<Guid, string?>();
        foreach (var chunk in ids.Chunk(5_000))
        {
            // Shipped virtually (written back, not yet gone): the parcel has its number already.
            foreach (var open in await db.Set<Parcel>().Where(p => EF.Parameter(chunk).Contains(p.OrderId) && p.CompletedAt == null)
                         .Select(p => new { p.OrderId, p.TrackingNo }).ToListAsync(ct))
                virtuals[open.OrderId] = open.TrackingNo;
            foreach (var label in await orders.Labels.Where(o => EF.Parameter(chunk).Contains(o.Id)).ToListAsync(ct)) labels[label.Id] = label;
            foreach (var waybill in await db.Set<Waybill>().Where(w => EF.Parameter(chunk).Contains(w.OrderId) && w.Status != WaybillStatus.Cancelled).ToListAsync(ct))
                live[waybill.OrderId] = waybill;
            foreach (var g in await db.Set<Waybill>().Where(w => EF.Parameter(chunk).Contains(w.OrderId) && w.Status == WaybillStatus.Cancelled)
                         .GroupBy(w => w.OrderId).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct))
                cancelled[g.Key] = g.Count;
        }

        var results = new Dictionary<Guid, WaybillOutcome>();
        var asking = new List<(OrderLabel Order, Waybill Waybill)>();
        var now = db.Time.StoredUtcNow();
        foreach (var id in ids)
        {
            var order = labels.GetValueOrDefault(id);
            if (order is null) results[id] = new WaybillOutcome(id, null, false, false, null, null, "order.not_found", $"No order {id}.", [id]);
            else if (live.TryGetValue(id, out var held) && held.Status == WaybillStatus.Active)
                results[id] = new WaybillOutcome(id, order.OrderNo, false, true, held.TrackingNo, held.CarrierCode, null, null);
            else if (virtuals.TryGetValue(id, out var virtualNumber))
                results[id] = new WaybillOutcome(id, order.OrderNo, false, true, virtualNumber, order.CarrierCode, null, null);
            else if (order.Shipped)
                results[id] = Refused(order, "order.shipped", $"Order {order.OrderNo} has shipped already.");
            else if (order.Intercepted)
                results[id] = Refused(order, "order.intercepted", $"Order {order.OrderNo} is intercepted: do not ship it.");
            else if (!order.Shippable || order.WarehouseId is null)
                results[id] = Refused(order, "order.not_audited", $"Order {order.OrderNo} is not audited; only audited orders get numbers.");
            else if (order.CarrierCode is null)
                results[id] = Refused(order, "waybill.no_carrier", $"Order {order.OrderNo} has no carrier: set one first.");
            else if (held is not null) asking.Add((order, held));
            else
            {
                var waybill = new Waybill
                {
                    OrderId = id, OrderNo = order.OrderNo, WarehouseId = order.WarehouseId.Value, CarrierCode = order.CarrierCode, Status = WaybillStatus.Requested,
                    Reference = $"{order.OrderNo}-{cancelled.GetValueOrDefault(id) + 1}", RequestedAt = now, RequestedBy = user.UserName,
                };
                db.Add(waybill);
                asking.Add((order, waybill));
            }
        }
        try
        {
            // The rows exist before the carrier is asked: whatever happens next, the order's reference is kept.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            throw new DbUpdateConcurrencyException("Another station is fetching numbers for some of these orders; try again.", e);
        }

        if (asking.Count > 0)
        {
            var services = await ServiceCodesAsync(asking.Select(a => a.Order.CarrierServiceId).OfType<Guid>().Distinct().ToList(), ct);
            var goods = await GoodsAsync(asking.Select(a => a.Order.Id).ToList(), ct);
            var answers = await carriers.IssueAsync(asking.Select(a => new WaybillRequest(a.Waybill.Reference, a.Waybill.CarrierCode,
                a.Order.CarrierServiceId is { } sid ? services.GetValueOrDefault(sid) : null, a.Waybill.WarehouseId,
                new WaybillReceiver(a.Order.ReceiverName ?? "", a.Order.ReceiverPhone ?? "", a.Order.Country, a.Order.Province, a.Order.City, a.Order.District,
                    a.Order.Address ?? ""), a.Order.WeightGrams, goods.GetValueOrDefault(a.Order.Id, ""))).ToList(), ct);
            var issuedAt = db.Time.StoredUtcNow();
            // A number the tenant holds already (a carrier that reuses numbers) would fail the whole save on the unique key:
            // that parcel alone is refused, its request dropped, and the next fetch asks under a new reference.
            var numbers = answers.Select(a => a.TrackingNo).OfType<string>().Distinct().ToList();
            var held = new HashSet<string>(StringComparer.Ordinal);
            foreach (var chunk in numbers.Chunk(5_000))
                held.UnionWith(await db.Set<Waybill>().Where(w => w.TrackingNo != null && EF.Parameter(chunk).Contains(w.TrackingNo)).Select(w => w.TrackingNo!).ToListAsync(ct));
            held.UnionWith(numbers.Where(n => answers.Count(a => a.TrackingNo == n) > 1));
            for (var i = 0; i < asking.Count; i++)
            {
                var (order, waybill) = asking[i];
                var answer = answers[i];
                if (answer.TrackingNo is { } reused && held.Contains(reused))
                {
                    // Kept as a dropped request (cancelled, no number) so that the next fetch asks under the next reference.
                    (waybill.Status, waybill.CancelledAt) = (WaybillStatus.Cancelled, issuedAt);
                    results[order.Id] = new WaybillOutcome(order.Id, order.OrderNo, false, false, null, waybill.CarrierCode, "waybill.number_reused",
                        $"The carrier answered {reused}, a number another parcel has; fetch again.", [order.OrderNo, reused]);
                }
                else if (answer.Issued)
                {
                    (waybill.TrackingNo, waybill.Status, waybill.IssuedAt) = (answer.TrackingNo, WaybillStatus.Active, issuedAt);
                    results[order.Id] = new WaybillOutcome(order.Id, order.OrderNo, true, false, answer.TrackingNo, waybill.CarrierCode, null, null);
                }
                else
                {
                    // Refused: nothing was issued, the row goes (the order may be asked again once fixed). Unanswered: the
                    // row stays Requested, and the next fetch asks with the same reference.
                    if (answer.Code != "waybill.unreachable") db.Remove(waybill);
                    results[order.Id] = new WaybillOutcome(order.Id, order.OrderNo, false, false, null, waybill.CarrierCode, answer.Code, answer.Message,
                        [order.OrderNo, answer.Message ?? ""]);
                }
            }
            await db.SaveChangesAsync(ct);
        }
        var ordered = ids.Select(id => results[id]).ToList();
        return new WaybillRun(ordered.Count(r => r.Issued), ordered.Count(r => r.Already), ordered.Count(r => !r.Issued && !r.Already), ordered);
    }

    /// <summary>
    /// Cancels a number with its carrier; refused once its parcel has shipped. The number is taken out of use first (a
    /// conditional update that fails when a parcel holds it), so a ship racing the cancel either finds it cancelled or
    /// has shipped before it and refuses the cancel; the carrier refusing puts it back.
    /// </summary>
    public async Task<WaybillView> CancelAsync(string? trackingNo, CancellationToken ct)
    {
        var number = trackingNo?.Trim() ?? "";
        if (number.Length == 0) throw new InputRejectedException("trackingNo", "required", "Scan or type the tracking number to cancel.");
        var waybill = await db.Set<Waybill>().AsNoTracking().SingleOrDefaultAsync(w => w.TrackingNo == number, ct) ?? throw new NotFoundException("waybill", number);
        if (waybill.Status == WaybillStatus.Cancelled) throw new RuleViolatedException("waybill.cancelled", $"Waybill {number} is cancelled already.", number);
        var now = db.Time.StoredUtcNow();
        var taken = await db.Set<Waybill>().Where(w => w.Id == waybill.Id && w.Status == WaybillStatus.Active && !db.Set<Parcel>().Any(p => p.OrderId == w.OrderId))
            .ExecuteUpdateAsync(u => u.SetProperty(w => w.Status, WaybillStatus.Cancelled).SetProperty(w => w.CancelledAt, now), ct);
        if (taken == 0) throw new RuleViolatedException("waybill.shipped", $"The parcel of waybill {number} has shipped; it cannot be cancelled.", number);
        var answer = await carriers.CancelAsync(waybill.CarrierCode, number, ct);
        if (!answer.Cancelled)
        {
            await db.Set<Waybill>().Where(w => w.Id == waybill.Id).ExecuteUpdateAsync(u => u.SetProperty(w => w.Status, WaybillStatus.Active)
                .SetProperty(w => w.CancelledAt, (DateTime?)null), ct);
            throw new RuleViolatedException(answer.Code switch
            {
                "waybill.no_account" => "waybill.cancel_no_account",
                "waybill.unreachable" => "waybill.cancel_unreachable",
                _ => "waybill.cancel_refused",
            }, $"{waybill.CarrierCode}: {answer.Message}", number, answer.Message ?? "");
        }
        (waybill.Status, waybill.CancelledAt) = (WaybillStatus.Cancelled, now);
        return View(waybill);
    }

    /// <summary>The numbers, newest first: of a wave's orders, or by order or tracking number.</summary>
    public async Task<IReadOnlyList<WaybillView>> ListAsync(Guid? waveId, string? search, int take, CancellationToken ct)
    {
        var query = db.Set<Waybill>().AsNoTracking();
        if (waveId is { } w) query = query.Where(x => db.Set<WaveOrder>().Any(o => o.WaveId == w && o.OrderId == x.OrderId));
        if (!string.IsNullOrWhiteSpace(search))
        {
            var s = search.Trim();
            query = query.Where(x => x.OrderNo == s || x.TrackingNo == s);
        }
        var rows = await query.OrderByDescending(x => x.RequestedAt).ThenByDescending(x => x.Id).Take(Math.Clamp(take, 1, MaxOrders)).ToListAsync(ct);
        return rows.Select(View).ToList();
    }

    private static WaybillOutcome Refused(OrderLabel order, string code, string message) =>
        new(order.Id, order.OrderNo, false, false, null, order.CarrierCode, code, message, [order.OrderNo]);

    private async Task<Dictionary<Guid, string>> ServiceCodesAsync(List<Guid> ids, CancellationToken ct) =>
        ids.Count == 0 ? [] : await CarrierQueries.Services(db).Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Code, ct);

    /// <summary>"SKU×n, …" per order, cut to what a label's goods line holds.</summary>
    internal async Task<Dictionary<Guid, string>> GoodsAsync(IReadOnlyList<Guid> orderIds, CancellationToken ct)
    {
        var goods = new Dictionary<Guid, string>();
        foreach (var chunk in orderIds.Chunk(5_000))
        {
            var items = await orders.Items.Where(i => EF.Parameter(chunk).Contains(i.OrderId)).Select(i => new { i.OrderId, i.SkuCode, i.Quantity }).ToListAsync(ct);
            foreach (var g in items.GroupBy(i => i.OrderId))
            {
                var text = string.Join(", ", g.GroupBy(i => i.SkuCode).OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"{s.Key}×{s.Sum(i => i.Quantity)}"));
                goods[g.Key] = text.Length <= 200 ? text : text[..199] + "…";
            }
        }
        return goods;
    }

    internal static WaybillView View(Waybill w) => new(w.Id, w.OrderId, w.OrderNo, w.CarrierCode, w.TrackingNo, w.Status.ToString(), w.RequestedAt, w.IssuedAt,
        w.CancelledAt, w.RequestedBy, w.Prints, w.PrintedAt);
}

/// <summary>The orders a station works on: a wave's (those still in it, in slot order) or chosen ones (in the order given), with their slots.</summary>
internal static class WaveSelection
{
    public static async Task<(List<Guid> Ids, Dictionary<Guid, int> Slots)> ResolveAsync(TenantDbContext db, Guid? waveId, IReadOnlyList<Guid>? orderIds, int max,
        CancellationToken ct)
    {
        var check = new InputCheck();
        var ids = orderIds?.Distinct().ToList() ?? [];
        if (waveId is null && ids.Count == 0) check.Add("orderIds", "required", "Give a wave or the orders.");
        if (waveId is not null && ids.Count > 0) check.Add("orderIds", "wave_or_ids", "Give a wave or order ids, not both.");
        if (ids.Count > max) check.Add("orderIds", "too_many", $"At most {max} orders in one call.", max);
        check.ThrowIfAny();
        var slots = new Dictionary<Guid, int>();
        if (waveId is { } wave)
        {
            if (!await db.Set<Wave>().AnyAsync(w => w.Id == wave, ct)) throw new NotFoundException("wave", wave);
            var members = await db.Set<WaveOrder>().AsNoTracking().Where(o => o.WaveId == wave && o.RemovedAt == null).OrderBy(o => o.Slot).ThenBy(o => o.OrderNo)
                .Select(o => new { o.OrderId, o.Slot }).ToListAsync(ct);
            return (members.Select(m => m.OrderId).ToList(), members.ToDictionary(m => m.OrderId, m => m.Slot));
        }
        foreach (var chunk in ids.Chunk(5_000))
            foreach (var m in await db.Set<WaveOrder>().AsNoTracking().Where(o => EF.Parameter(chunk).Contains(o.OrderId) && o.RemovedAt == null)
                         .Select(o => new { o.OrderId, o.Slot }).ToListAsync(ct))
                slots[m.OrderId] = m.Slot;
        return (ids, slots);
    }
}
