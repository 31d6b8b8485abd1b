using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Audit;
using Shelfbook.Data.Tenancy;
using Shelfbook.Fulfillment.Domain;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Fulfillment.Features.Waybills;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Orders.Contracts;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Fulfillment.Features.Printing;

/// <summary>
/// The labels of a wave's orders (in slot order) or of chosen orders (in the order given), on a chosen template or on
/// each carrier's (else the default, else 100×150 mm).
/// </summary>
public sealed record PrintLabelsRequest(Guid? WaveId = null, IReadOnlyList<Guid>? OrderIds = null, Guid? TemplateId = null, string? Format = null);

/// <summary>The packing slips of a wave's orders (in slot order) or of chosen orders.</summary>
public sealed record PackingSlipsRequest(Guid? WaveId = null, IReadOnlyList<Guid>? OrderIds = null);

/// <summary>
/// The labels (a PDF, or ZPL for a Zebra printer) and what they left out: orders without a live number (fetch numbers
/// first), intercepted or shipped ones.
/// </summary>
public sealed record PrintedLabels(byte[] Pdf, int Printed, int Reprinted, IReadOnlyList<string> Skipped, string ContentType = "application/pdf", string FileName = "labels.pdf");

/// <summary>
/// 打印面单: one PDF with a label per order that has a live waybill, in the wave's slot order; intercepted and shipped
/// orders and those without a number are left out and named. Every print counts on its waybill; printing a label a
/// second time is a reprint (marked on the label) and the call goes to the audit log either way.
/// </summary>
public sealed class PrintLabels(TenantDbContext db, IShipOrders orders, IIssueWaybills waybills, ParcelWaybills parcelWaybills, Waves.Waves waves, DocumentFonts fonts,
    LabelTemplates templates, Catalog.Contracts.ISkuDirectory skus, Microsoft.Extensions.Configuration.IConfiguration configuration, CurrentUser user)
{
    public const int MaxLabels = Wave.MaxOrders;

    public async Task<PrintedLabels> LabelsAsync(PrintLabelsRequest request, CancellationToken ct)
    {
        var zpl = request.Format?.Trim().ToLowerInvariant() switch
        {
            null or "" or "pdf" => false,
            "zpl" => true,
            _ => throw new InputRejectedException("format", "invalid_format", "format is pdf or zpl."),
        };
        var (ids, slots) = await WaveSelection.ResolveAsync(db, request.WaveId, request.OrderIds, MaxLabels, ct);
        var chosen = request.TemplateId is { } templateId ? LabelLayout.Of(await templates.GetAsync(templateId, ct)) : null;
        var byCarrier = chosen is null ? await templates.ByCarrierAsync(ct) : [];
        LabelLayout LayoutOf(string carrier) => chosen
            ?? LabelLayout.Of(byCarrier.GetValueOrDefault(carrier.ToUpperInvariant()) ?? byCarrier.GetValueOrDefault("") ?? Domain.LabelTemplate.BuiltIn);

        var labels = new Dictionary<Guid, OrderLabel>();
        var live = new Dictionary<Guid, Waybill>();
        foreach (var chunk in ids.Chunk(5_000))
        {
            foreach (var label in await orders.Labels.Where(o => EF.Parameter(chunk).Contains(o.Id)).ToListAsync(ct)) labels[label.Id] = label;
            foreach (var w in await db.Set<Waybill>().Where(w => EF.Parameter(chunk).Contains(w.OrderId) && w.Status == WaybillStatus.Active).ToListAsync(ct))
                live[w.OrderId] = w;
        }
        var skipped = new List<string>();
        var printing = new List<(OrderLabel Order, Waybill Waybill)>();
        foreach (var id in ids)
        {
            var order = labels.GetValueOrDefault(id);
            if (order is null) skipped.Add(id.ToString());
            else if (order.Intercepted) skipped.Add($"{order.OrderNo}: intercepted");
            else if (order.Shipped) skipped.Add($"{order.OrderNo}: shipped");
            else if (!live.TryGetValue(id, out var waybill)) skipped.Add($"{order.OrderNo}: no waybill");
            else printing.Add((order, waybill));
        }
        if (printing.Count == 0)
            throw new RuleViolatedException("print.nothing", "None of these orders has a live waybill to print: fetch numbers first.", skipped.Count);

        var senders = await waybills.SendersAsync(printing.Select(p => p.Waybill.WarehouseId).Distinct().ToList(), ct);
        var carriers = await CarrierQueries.Summaries(db).ToDictionaryAsync(c => c.Code.ToUpperInvariant(), c => c.Name, ct);
        var serviceIds = printing.Select(p => p.Order.CarrierServiceId).OfType<Guid>().Distinct().ToList();
        var services = await CarrierQueries.Services(db).Where(s => serviceIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var goods = await parcelWaybills.GoodsAsync(printing.Select(p => p.Order.Id).ToList(), ct);
        var data = printing.Select(p =>
        {
            var (o, w) = p;
            var sender = senders.GetValueOrDefault(w.WarehouseId);
            return (Data: new LabelData(w.TrackingNo!, carriers.GetValueOrDefault(w.CarrierCode.ToUpperInvariant(), w.CarrierCode),
                o.CarrierServiceId is { } sid ? services.GetValueOrDefault(sid) : null, o.OrderNo, slots.GetValueOrDefault(o.Id), o.ReceiverName ?? "", o.ReceiverPhone ?? "",
                string.Join(" ", new[] { o.Country is null or "CN" ? null : o.Country, o.Province, o.City, o.District, o.Address }.Where(x => !string.IsNullOrWhiteSpace(x))),
                sender?.Name ?? "", sender?.Phone ?? "",
                sender is null ? "" : string.Join(" ", new[] { sender.Province, sender.City, sender.District, sender.Address }.Where(x => !string.IsNullOrWhiteSpace(x))),
                goods.GetValueOrDefault(o.Id, ""), o.Quantity, o.WeightGrams, o.SellerMemo, w.Prints > 0), Layout: LayoutOf(w.CarrierCode));
        }).ToList();
        var content = zpl ? System.Text.Encoding.UTF8.GetBytes(Zpl.Labels(data, configuration["Printing:ZplFont"] ?? Zpl.DefaultFont)) : Documents.Labels(fonts, data);

        var now = db.Time.StoredUtcNow();
        var reprinted = printing.Count(p => p.Waybill.Prints > 0);
        foreach (var (_, w) in printing) (w.Prints, w.PrintedAt) = (w.Prints + 1, now);
        db.Add(new AuditEntry
        {
            At = now, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.Order, EntityType = "waybill",
            EntityId = printing.Count == 1 ? printing[0].Waybill.TrackingNo! : $"{printing.Count} labels", Action = reprinted > 0 ? "reprint" : "print",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
            {
                ["printed"] = [null, string.Join(",", printing.Take(1000).Select(p => p.Waybill.TrackingNo)) + (printing.Count > 1000 ? $" … ({printing.Count})" : "")],
                ["reprinted"] = [null, string.Join(",", printing.Where(p => p.Waybill.Prints > 1).Take(1000).Select(p => p.Waybill.TrackingNo))],
            }),
        });
        await db.SaveChangesAsync(ct);
        return zpl
            ? new PrintedLabels(content, printing.Count, reprinted, skipped, "text/plain; charset=utf-8", "labels.zpl")
            : new PrintedLabels(content, printing.Count, reprinted, skipped);
    }

    /// <summary>
    /// 发货单: an A4 packing slip per order, for the box — in slot order for a wave, or for chosen orders (shipped ones
    /// too: a slip is reprinted for a return or a complaint). Orders that do not exist are left out and named.
    /// </summary>
    public async Task<(byte[] Pdf, int Printed, IReadOnlyList<string> Skipped)> PackingSlipsAsync(PackingSlipsRequest request, CancellationToken ct)
    {
        var (ids, _) = await WaveSelection.ResolveAsync(db, request.WaveId, request.OrderIds, MaxLabels, ct);
        var labels = new Dictionary<Guid, OrderLabel>();
        var items = new List<OrderItemRow>();
        var numbers = new Dictionary<Guid, (string Carrier, string? Tracking)>();
        foreach (var chunk in ids.Chunk(5_000))
        {
            foreach (var label in await orders.Labels.Where(o => EF.Parameter(chunk).Contains(o.Id)).ToListAsync(ct)) labels[label.Id] = label;
            items.AddRange(await orders.Items.Where(i => EF.Parameter(chunk).Contains(i.OrderId)).ToListAsync(ct));
            foreach (var w in await db.Set<Waybill>().AsNoTracking().Where(w => EF.Parameter(chunk).Contains(w.OrderId) && w.Status == WaybillStatus.Active)
                         .Select(w => new { w.OrderId, w.CarrierCode, w.TrackingNo }).ToListAsync(ct))
                numbers[w.OrderId] = (w.CarrierCode, w.TrackingNo);
            foreach (var p in await db.Set<Parcel>().AsNoTracking().Where(p => EF.Parameter(chunk).Contains(p.OrderId))
                         .Select(p => new { p.OrderId, p.CarrierCode, p.TrackingNo }).ToListAsync(ct))
                numbers[p.OrderId] = (p.CarrierCode ?? "", p.TrackingNo);
        }
        var skipped = ids.Where(id => !labels.ContainsKey(id)).Select(id => id.ToString()).ToList();
        var printing = ids.Where(labels.ContainsKey).Select(id => labels[id]).ToList();
        if (printing.Count == 0) throw new RuleViolatedException("print.nothing", "None of these orders exists.", skipped.Count);

        var skuIds = items.Select(i => i.SkuId).Distinct().ToList();
        var names = new Dictionary<Guid, string>();
        foreach (var chunk in skuIds.Chunk(5_000))
            foreach (var sku in await skus.Skus.Where(s => EF.Parameter(chunk).Contains(s.Id)).Select(s => new { s.Id, s.ProductName, s.Spec }).ToListAsync(ct))
                names[sku.Id] = sku.Spec is null ? sku.ProductName : $"{sku.ProductName} {sku.Spec}";
        var warehouseIds = printing.Select(o => o.WarehouseId).OfType<Guid>().Distinct().ToList();
        var bins = new Dictionary<(Guid, Guid), string>();
        foreach (var chunk in skuIds.Chunk(5_000))
            foreach (var b in await db.Set<SkuBin>().AsNoTracking().Where(b => warehouseIds.Contains(b.WarehouseId) && EF.Parameter(chunk).Contains(b.SkuId)).ToListAsync(ct))
                bins[(b.WarehouseId, b.SkuId)] = b.BinCode;
        var shopIds = printing.Select(o => o.ShopId).OfType<Guid>().Distinct().ToList();
        var shops = await Catalog.Contracts.ShopQueries.Summaries(db).Where(s => shopIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var platformNos = (await orders.FindAsync(printing.Select(o => o.Id).ToList(), null, ct))
            .ToDictionary(o => o.OrderId, o => string.Join(", ", o.Targets.Select(t => t.PlatformOrderNo).Distinct()));
        var carriers = await CarrierQueries.Summaries(db).ToDictionaryAsync(c => c.Code.ToUpperInvariant(), c => c.Name, ct);
        var itemsOf = items.ToLookup(i => i.OrderId);
        var slips = printing.Select(o =>
        {
            var (carrier, tracking) = numbers.TryGetValue(o.Id, out var n) ? n : (o.CarrierCode ?? "", null);
            var lines = itemsOf[o.Id].GroupBy(i => (i.SkuId, i.SkuCode))
                .Select(g => new PackingSlipLine(g.Key.SkuCode, names.GetValueOrDefault(g.Key.SkuId, ""), g.Sum(i => i.Quantity),
                    o.WarehouseId is { } w ? bins.GetValueOrDefault((w, g.Key.SkuId)) : null))
                .OrderBy(l => l.BinCode ?? "\uffff", StringComparer.Ordinal).ThenBy(l => l.SkuCode, StringComparer.Ordinal).ToList();
            return new PackingSlipData(o.OrderNo, o.ShopId is { } shop ? shops.GetValueOrDefault(shop) : null, platformNos.GetValueOrDefault(o.Id) is { Length: > 0 } p ? p : null,
                o.PaidAt is { } paid ? TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(paid, DateTimeKind.Utc), user.TimeZone) : null,
                o.ReceiverName ?? "", o.ReceiverPhone ?? "",
                string.Join(" ", new[] { o.Country is null or "CN" ? null : o.Country, o.Province, o.City, o.District, o.Address }.Where(x => !string.IsNullOrWhiteSpace(x))),
                carrier.Length == 0 ? null : carriers.GetValueOrDefault(carrier.ToUpperInvariant(), carrier), tracking, o.BuyerMessage, o.SellerMemo, lines);
        }).ToList();
        return (Documents.PackingSlips(fonts, slips), slips.Count, skipped);
    }

    /// <summary>A wave's pick list as A4 PDF: what is left to pick, by bin.</summary>
    public async Task<(byte[] Pdf, string WaveNo)> PickListAsync(Guid waveId, CancellationToken ct)
    {
        var detail = await waves.GetAsync(waveId, ct);
        var units = detail.PickList.Sum(l => l.Quantity);
        var open = detail.Orders.Count(o => o.RemovedAt is null && o.Status == "InFulfillment");
        var subtitle = $"{detail.Wave.WaveNo} · {detail.Wave.Strategy} · {open} 单 orders · {units} 件 units · {TimeZoneInfo.ConvertTimeFromUtc(db.Time.StoredUtcNow(), user.TimeZone):yyyy-MM-dd HH:mm}";
        return (Documents.PickList(fonts, "拣货单 Pick list " + detail.Wave.WaveNo, subtitle, detail.PickList), detail.Wave.WaveNo);
    }
}
