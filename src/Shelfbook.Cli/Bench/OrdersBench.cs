using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ImportCatalog;
using Shelfbook.Channels.Domain;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Domain;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.ChangeOrders;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ListOrders;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// Issue 6's figures: 100,000 paid platform orders (1–5 lines; codes, aliases and combos among them; 50,000 SKUs with
/// skewed popularity; 3 warehouses) taken in, audited, allocated and reserved in one run, against the raw ceiling of
/// writing the same rows (bulk inserts and one prepared update per balance) on the same database in the same run; then
/// the order list through the API over 1,000,000 orders. <c>--quick</c> runs the same at a tenth.
/// </summary>
public static class OrdersBench
{
    private const int WarehouseCount = 3;

    /// <summary>The API's JSON: camelCase, enums by name.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    public static async Task RunAsync(BenchHost host, bool quick, Action<string, double, string> report, CancellationToken ct)
    {
        var orderCount = quick ? 10_000 : 100_000;
        var skuCount = quick ? 5_000 : 50_000;
        var listSize = quick ? 100_000 : 1_000_000;
        var random = new Random(20261201);

        var world = await PrepareAsync(host, skuCount, random, ct);
        await PlatformOrdersAsync(host, world, orderCount, random, ct);

        // 1. Intake + audit (allocation and reservation) of every order, as the worker and the batch audit run them.
        BenchHost.ResetPeak();
        var clock = Stopwatch.StartNew();
        var (intake, intakeSeconds, audited, shortOrders) = await IntakeAndAuditAsync(host, ct);
        clock.Stop();
        report("orders.intake.orders", intake.TakenIn, "orders");
        report("orders.intake.exceptions", intake.Exceptions, "orders");
        report("orders.intake.seconds", intakeSeconds, "s");
        report("orders.audit.audited", audited, "orders");
        report("orders.audit.out_of_stock", shortOrders, "orders");
        report("orders.audit.seconds", clock.Elapsed.TotalSeconds - intakeSeconds, "s");
        report("orders.intake_audit.seconds", clock.Elapsed.TotalSeconds, "s");
        report("orders.intake_audit.peak_working_set", BenchHost.PeakMiB(), "MiB");
        if (intake.TakenIn != orderCount) throw new InvalidOperationException($"Took in {intake.TakenIn} of {orderCount} orders.");

        await using (var db = host.OpenTenant())
        {
            var priced = await db.Set<OrderEstimate>().CountAsync(e => e.Freight != null, ct);
            report("orders.audit.with_freight", priced, "orders");
            if (priced != audited) throw new InvalidOperationException($"{audited - priced} of {audited} audited orders have no freight estimate.");
            var drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct);
            report("orders.verify.drifts", drifts.Count, "drifts");
            if (drifts.Count > 0) throw new InvalidOperationException("The ledger drifted: " + drifts[0]);
        }

        // 2. The raw ceiling: the same rows written again on the same database with no logic in between, then rolled back.
        var (ceiling, _) = await CeilingAsync(host, null, ct);
        var rate = orderCount / clock.Elapsed.TotalSeconds;
        var ceilingRate = orderCount / ceiling.TotalSeconds;
        report("orders.ceiling.seconds", ceiling.TotalSeconds, "s");

        // 3. The order list through the API over 1,000,000 orders.
        await MoreOrdersAsync(host, world, listSize, random, ct);
        var times = new List<double>();
        var statuses = new[] { "PendingAudit", "Audited", "Exception" };
        string? next = null;
        for (var i = 0; i < 220; i++)
        {
            var url = (i % 4) switch
            {
                0 => $"/api/v1/orders?limit=50{(next is null ? "" : "&after=" + Uri.EscapeDataString(next))}",
                1 => $"/api/v1/orders?limit=50&status={statuses[random.Next(statuses.Length)]}",
                2 => $"/api/v1/orders?limit=50&status=Audited&shopId={world.Shops[random.Next(world.Shops.Count)]}",
                _ => $"/api/v1/orders?limit=50&search=BENCH{random.Next(orderCount):D7}",
            };
            var watch = Stopwatch.StartNew();
            using var response = await host.Api.GetAsync(new Uri(url, UriKind.Relative), ct);
            var page = await response.Content.ReadFromJsonAsync<Page<OrderRow>>(Json, ct);
            watch.Stop();
            if (!response.IsSuccessStatusCode || page is null) throw new InvalidOperationException($"The order list failed: {(int)response.StatusCode} {url}");
            if (i % 4 == 0) next = page.Next;
            if (i >= 20) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        report("orders.list.orders", listSize, "orders");
        report("orders.list.p50", times[times.Count / 2], "ms");
        report("orders.list.p95", times[(int)(times.Count * 0.95)], "ms");

        report("orders.rate", rate, "orders/s");
        report("orders.ceiling.rate", ceilingRate, "orders/s");
        report("orders.ratio_to_ceiling", rate / ceilingRate * 100, "%");
        Console.WriteLine($"orders/s: {rate:0}, ceiling orders/s: {ceilingRate:0}, ratio: {rate / ceilingRate:0.00}");
    }

    /// <summary>
    /// For the scenarios after this one (fulfillment): <paramref name="count"/> more platform orders of the same world
    /// (made first when this scenario did not run), taken in and audited, untimed.
    /// </summary>
    internal static async Task MoreAuditedAsync(BenchHost host, bool quick, int count, CancellationToken ct)
    {
        var random = new Random(20261201);
        var world = await WorldAsync(host, ct) ?? await PrepareAsync(host, quick ? 5_000 : 50_000, random, ct);
        int first;
        await using (var db = host.OpenTenant())
            first = await db.Set<PlatformOrder>().CountAsync(o => o.PlatformOrderId.StartsWith("BENCH"), ct);
        await PlatformOrdersAsync(host, world, count, first == 0 ? random : new Random(20261201 + first), ct, first);
        await IntakeAndAuditAsync(host, ct);
    }

    /// <summary>The world <see cref="PrepareAsync"/> made in this tenant, read back; null when it made none.</summary>
    private static async Task<World?> WorldAsync(BenchHost host, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        var codes = await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Where(s => s.Code.StartsWith("ORD")).Select(s => s.Code).OrderBy(c => c).ToListAsync(ct);
        var shops = await db.Set<Shop>().Where(s => s.Code.StartsWith("ORDB-")).OrderBy(s => s.Code).Select(s => s.Id).ToListAsync(ct);
        if (codes.Count == 0 || shops.Count == 0) return null;
        return new World(codes, codes.Where((_, i) => i % 10 == 0).Select(c => "OLD" + c).ToList(),
            Enumerable.Range(0, codes.Count / 100).Select(i => $"SET{i:D5}").ToList(), shops);
    }

    /// <summary>Every waiting platform order taken in, then every pending order audited a job chunk at a time.</summary>
    private static async Task<(IntakeRun Intake, double IntakeSeconds, int Audited, int OutOfStock)> IntakeAndAuditAsync(BenchHost host, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        IntakeRun intake;
        await using (var scope = host.Scope())
            intake = await scope.ServiceProvider.GetRequiredService<IntakeOrders>().RunAsync(null, ct);
        var intakeSeconds = clock.Elapsed.TotalSeconds;
        List<Guid> pending;
        await using (var db = host.OpenTenant())
            pending = await db.Set<Order>().Where(o => o.Status == OrderStatus.PendingAudit).Select(o => o.Id).ToListAsync(ct);
        var (audited, shortOrders) = (0, 0);
        foreach (var chunk in pending.Chunk(AuditOrders.JobChunk))
        {
            await using var scope = host.Scope();
            var run = await scope.ServiceProvider.GetRequiredService<AuditOrders>().AuditBatchAsync(chunk, ct);
            (audited, shortOrders) = (audited + run.Audited, shortOrders + run.OutOfStock);
        }
        return (intake, intakeSeconds, audited, shortOrders);
    }

    internal sealed record World(List<string> Codes, List<string> Aliases, List<string> Combos, List<Guid> Shops);

    /// <summary>Three warehouses with stock, the SKUs (one in ten with an old code as alias), 500 two-part combos and a Taobao shop.</summary>
    private static async Task<World> PrepareAsync(BenchHost host, int skuCount, Random random, CancellationToken ct)
    {
        var warehouses = new List<Guid>();
        await using (var scope = host.Scope())
        {
            var manage = scope.ServiceProvider.GetRequiredService<ManageWarehouses>();
            for (var w = 0; w < WarehouseCount; w++)
                warehouses.Add((await manage.CreateAsync(new WarehouseInput($"ORDB{w}", $"订单基准仓{w}", "Own"), ct)).Id);
        }
        var codes = Enumerable.Range(0, skuCount).Select(i => $"ORD{i:D6}").ToList();
        await ImportAsync(host, codes.Select((c, i) => new Dictionary<string, object?>
        {
            ["商家编码"] = c, ["货品名称"] = $"订单基准{i / 4:D6}", ["规格"] = $"规格{i % 4}", ["成本价(元)"] = 10 + i % 90, ["重量(克)"] = 100 + i % 900,
        }), null, ct);
        var aliases = codes.Where((_, i) => i % 10 == 0).Select(c => "OLD" + c).ToList();
        await ImportAsync(host, aliases.Select(a => new Dictionary<string, object?> { ["商家编码"] = a[3..], ["别名"] = a }), SheetKind.Aliases, ct);
        var combos = Enumerable.Range(0, skuCount / 100).Select(i => $"SET{i:D5}").ToList();
        await ImportAsync(host, combos.SelectMany((c, i) => new[]
        {
            new Dictionary<string, object?> { ["组合编码"] = c, ["组合名称"] = "礼盒" + i, ["子件编码"] = codes[i * 2], ["数量"] = 1 },
            new Dictionary<string, object?> { ["组合编码"] = c, ["组合名称"] = "礼盒" + i, ["子件编码"] = codes[i * 2 + 1], ["数量"] = 2 },
        }), SheetKind.Combos, ct);

        // Stock: every SKU in every warehouse, the first warehouse with less, so popular SKUs spill over and a few run out.
        await using (var db = host.OpenTenant())
        {
            var skus = await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Where(s => s.Code.StartsWith("ORD")).Select(s => s.Id).ToListAsync(ct);
            var drafts = skus.SelectMany((sku, i) => warehouses.Select((w, n) => new MovementDraft(w, sku, StockCondition.Sellable, n == 0 ? 20 : 60,
                MovementType.OpeningBalance, $"ordb:{n}:{i}", "lines[0]"))).ToList();
            foreach (var chunk in drafts.Chunk(100_000))
            {
                await using var scope = host.Scope();
                await scope.ServiceProvider.GetRequiredService<StockPosting>().PostAsync(chunk, ct);
            }
        }
        var shops = new List<Guid>();
        await using (var db = host.OpenTenant())
        {
            // Two couriers priced by zone, the cheaper one only up to 3 kg, and a rule sending heavy parcels with the dearer.
            var now = DateTime.UtcNow;
            var (sf, zto) = (new Carrier { Code = "SF", NormalizedCode = "SF", Name = "顺丰", UpdatedAt = now }, new Carrier { Code = "ZTO", NormalizedCode = "ZTO", Name = "中通", UpdatedAt = now });
            var (sfStd, ztoStd) = (new CarrierService { CarrierId = sf.Id, Code = "STD", Name = "顺丰标快", UpdatedAt = now },
                new CarrierService { CarrierId = zto.Id, Code = "STD", Name = "中通快递", UpdatedAt = now });
            var (sfTable, ztoTable) = (new RateTable { ServiceId = sfStd.Id, Name = "顺丰", UpdatedAt = now }, new RateTable { ServiceId = ztoStd.Id, Name = "中通", UpdatedAt = now });
            db.AddRange(sf, zto, sfStd, ztoStd, sfTable, ztoTable);
            db.AddRange(
                new RateZone { TableId = sfTable.Id, Name = "江浙沪", Destinations = ["上海", "江苏", "浙江"], FirstGrams = 1000, FirstPrice = 1200, StepGrams = 1000, StepPrice = 200 },
                new RateZone { TableId = sfTable.Id, Position = 1, Name = "全国", Destinations = ["*"], FirstGrams = 1000, FirstPrice = 1600, StepGrams = 1000, StepPrice = 500 },
                new RateZone { TableId = ztoTable.Id, Name = "江浙沪", Destinations = ["上海", "江苏", "浙江"], FirstGrams = 1000, FirstPrice = 450, StepGrams = 1000, StepPrice = 100, MaxGrams = 3000 },
                new RateZone { TableId = ztoTable.Id, Position = 1, Name = "全国", Destinations = ["*"], FirstGrams = 1000, FirstPrice = 600, StepGrams = 1000, StepPrice = 300, MaxGrams = 3000 });
            db.Add(new CarrierRule { Name = "重货走顺丰", Priority = 10, WeightMin = 5000, ServiceIds = [sfStd.Id], Strategy = CarrierStrategy.FirstQualifying, UpdatedAt = now });
            for (var s = 0; s < 5; s++)
            {
                var shop = Shop.Create(new ShopInput(s % 2 == 0 ? "Taobao" : "Pinduoduo", $"ORDB-{s}", $"订单基准店{s}"), DateTime.UtcNow);
                db.Add(shop);
                shops.Add(shop.Id);
            }
            await db.SaveChangesAsync(ct);
        }
        return new World(codes, aliases, combos, shops);
    }

    internal static async Task ImportAsync(BenchHost host, IEnumerable<Dictionary<string, object?>> rows, SheetKind? kind, CancellationToken ct)
    {
        using var sheet = new MemoryStream();
        sheet.SaveAs(rows, excelType: ExcelType.XLSX);
        sheet.Position = 0;
        await using var scope = host.Scope();
        var result = kind is { } k
            ? await scope.ServiceProvider.GetRequiredService<ImportMappings>().ImportAsync(k, sheet, false, ct)
            : await scope.ServiceProvider.GetRequiredService<ImportProducts>().ImportAsync(sheet, false, null, ct);
        if (!result.Written) throw new InvalidOperationException($"The bench {kind?.ToString() ?? "SKUs"} could not be imported: " + string.Join("; ", result.Errors.Take(3)));
    }

    /// <summary>
    /// Paid platform orders as the sync stores them (ids <paramref name="prefix"/> and a number from <paramref name="first"/>):
    /// 1–5 lines, codes drawn by a skewed popularity, aliases and combos among them (when the world has them), a few unknown.
    /// </summary>
    internal static async Task PlatformOrdersAsync(BenchHost host, World world, int count, Random random, CancellationToken ct, int first = 0, string prefix = "BENCH")
    {
        string Code() => random.NextDouble() switch
        {
            < 0.08 when world.Aliases.Count > 0 => world.Aliases[(int)(Math.Pow(random.NextDouble(), 3) * world.Aliases.Count)],
            < 0.15 when world.Combos.Count > 0 => world.Combos[random.Next(world.Combos.Count)],
            >= 0.15 and < 0.16 => "UNKNOWN-" + random.Next(1000),
            _ => world.Codes[(int)(Math.Pow(random.NextDouble(), 3) * world.Codes.Count)],
        };
        var provinces = new[] { ("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区"), ("江苏省", "南京市", "鼓楼区"), ("北京市", "北京市", "朝阳区"), ("四川省", "成都市", "武侯区") };
        var start = DateTime.UtcNow.AddHours(-6);
        await using var db = host.OpenTenant();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var orders = new List<PlatformOrder>(count);
        var lines = new List<PlatformOrderLine>(count * 2);
        for (var i = first; i < first + count; i++)
        {
            var (province, city, district) = provinces[random.Next(provinces.Length)];
            var paid = start.AddSeconds((i - first) * 0.2);
            var order = new PlatformOrder
            {
                ShopId = world.Shops[i % world.Shops.Count], Platform = i % world.Shops.Count % 2 == 0 ? ShopPlatform.Taobao : ShopPlatform.Pinduoduo,
                PlatformOrderId = $"{prefix}{i:D7}", Status = PlatformOrderStatus.AwaitingShipment, PlatformStatus = "WAIT_SELLER_SEND_GOODS", PlacedAt = paid.AddMinutes(-1),
                PaidAt = paid, PlatformUpdatedAt = paid, BuyerNick = "tb" + random.Next(1_000_000, 9_999_999), ReceiverName = "收货人" + random.Next(10_000),
                ReceiverPhone = "138" + random.Next(10_000_000, 99_999_999), Country = "CN", Province = province, City = city, District = district,
                Address = $"科技路{random.Next(1, 999)}号", Currency = "CNY", RawPayload = "{}", FirstStoredAt = paid, StoredAt = paid,
            };
            var lineCount = random.NextDouble() < 0.6 ? 1 : random.Next(2, 6);
            long goods = 0;
            for (var l = 0; l < lineCount; l++)
            {
                var quantity = random.NextDouble() < 0.85 ? 1 : 2;
                var price = 100L * random.Next(9, 300);
                lines.Add(new PlatformOrderLine
                {
                    OrderId = order.Id, Position = l, PlatformLineId = $"{i}-{l}", SellerCode = Code(), Title = "基准商品", Quantity = quantity, Price = price,
                    Paid = price * quantity,
                });
                goods += price * quantity;
            }
            (order.GoodsAmount, order.Paid, order.LineCount) = (goods, goods, lineCount);
            orders.Add(order);
        }
        await db.BulkInsertAsync(orders, ct);
        await db.BulkInsertAsync(lines, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// What the same work writes, written with no logic: the orders, lines, items, sources, log and audit rows again
    /// (bulk inserts), the reservations, and one prepared update per balance the audit touched; timed, then rolled back.
    /// Over the first <paramref name="max"/> orders only when given (a sample of a run too large to hold in memory twice);
    /// the orders it wrote come back with the time.
    /// </summary>
    internal static async Task<(TimeSpan Took, int Orders)> CeilingAsync(BenchHost host, int? max, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        var all = await db.Set<Order>().CountAsync(ct);
        var orders = await (max is { } m ? db.Set<Order>().AsNoTracking().OrderBy(o => o.Id).Take(m) : db.Set<Order>().AsNoTracking()).ToListAsync(ct);
        var (lines, items, sources, log, reservations, estimates) =
            (new List<OrderLine>(), new List<OrderItem>(), new List<OrderSourceLink>(), new List<OrderLogEntry>(), new List<StockReservation>(), new List<OrderEstimate>());
        foreach (var chunk in orders.Select(o => o.Id).Chunk(10_000))
        {
            lines.AddRange(await db.Set<OrderLine>().AsNoTracking().Where(l => EF.Parameter(chunk).Contains(l.OrderId)).ToListAsync(ct));
            items.AddRange(await db.Set<OrderItem>().AsNoTracking().Where(i => EF.Parameter(chunk).Contains(i.OrderId)).ToListAsync(ct));
            sources.AddRange(await db.Set<OrderSourceLink>().AsNoTracking().Where(s => EF.Parameter(chunk).Contains(s.OrderId)).ToListAsync(ct));
            log.AddRange(await db.Set<OrderLogEntry>().AsNoTracking().Where(e => EF.Parameter(chunk).Contains(e.OrderId)).ToListAsync(ct));
            reservations.AddRange(await db.Set<StockReservation>().AsNoTracking().Where(r => EF.Parameter(chunk).Contains(r.OrderId)).ToListAsync(ct));
            estimates.AddRange(await db.Set<OrderEstimate>().AsNoTracking().Where(e => EF.Parameter(chunk).Contains(e.OrderId)).ToListAsync(ct));
        }
        // The orders' audit entries, in proportion to the sample.
        var orderAudit = db.Set<Shelfbook.Data.Audit.AuditEntry>().AsNoTracking().Where(a => a.Category == Shelfbook.Data.Audit.AuditCategory.Order);
        var audit = await orderAudit.OrderBy(a => a.Id).Take((int)((long)await orderAudit.CountAsync(ct) * orders.Count / Math.Max(1, all))).ToListAsync(ct);
        foreach (var a in audit) a.Id = 0;
        var newId = orders.ToDictionary(o => o.Id, _ => Guid.CreateVersion7());
        var newLine = lines.ToDictionary(l => l.Id, _ => Guid.CreateVersion7());
        foreach (var o in orders) (o.Id, o.OrderNo) = (newId[o.Id], "C" + o.OrderNo);
        foreach (var l in lines) (l.Id, l.OrderId) = (newLine[l.Id], newId[l.OrderId]);
        var newItem = items.ToDictionary(i => i.Id, _ => Guid.CreateVersion7());
        foreach (var i in items) (i.Id, i.OrderId, i.LineId) = (newItem[i.Id], newId[i.OrderId], newLine[i.LineId]);
        foreach (var s in sources) (s.OrderId, s.PlatformOrderId) = (newId[s.OrderId], Guid.CreateVersion7());
        foreach (var e in log) (e.Id, e.OrderId) = (0, newId[e.OrderId]);
        foreach (var r in reservations) (r.Id, r.OrderId, r.OrderLineId) = (0, newId[r.OrderId], newItem[r.OrderLineId]);
        foreach (var e in estimates) e.OrderId = newId[e.OrderId];
        var balances = reservations.GroupBy(r => (r.WarehouseId, r.SkuId)).Select(g => (g.Key.WarehouseId, g.Key.SkuId, Quantity: g.Sum(r => r.Quantity))).ToList();

        var clock = Stopwatch.StartNew();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.BulkInsertAsync(orders, ct);
        await db.BulkInsertAsync(lines, ct);
        await db.BulkInsertAsync(items, ct);
        await db.BulkInsertAsync(sources, ct);
        await db.BulkInsertAsync(log, ct);
        await db.BulkInsertAsync(reservations, ct);
        await db.BulkInsertAsync(estimates, ct);
        await db.BulkInsertAsync(audit, ct);
        var connection = db.Database.GetDbConnection();
        await using (var update = connection.CreateCommand())
        {
            update.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            update.CommandText = "UPDATE stock_balances SET reserved = reserved + @q WHERE warehouse_id = @w AND sku_id = @s AND condition = @c";
            var (q, w, s, c) = (update.CreateParameter(), update.CreateParameter(), update.CreateParameter(), update.CreateParameter());
            (q.ParameterName, w.ParameterName, s.ParameterName, c.ParameterName) = ("q", "w", "s", "c");
            update.Parameters.AddRange(new[] { q, w, s, c });
            // As each provider stores them: SQLite keeps GUIDs as upper-case text, PostgreSQL as uuid; the condition by name.
            var sqlite = db.Database.IsSqlite();
            object Id(Guid g) => sqlite ? g.ToString().ToUpperInvariant() : g;
            c.Value = nameof(StockCondition.Sellable);
            (w.Value, s.Value, q.Value) = (Id(Guid.Empty), Id(Guid.Empty), 0L);
            await update.PrepareAsync(ct);
            var updated = 0;
            foreach (var b in balances)
            {
                (q.Value, w.Value, s.Value) = ((long)b.Quantity, Id(b.WarehouseId), Id(b.SkuId));
                updated += await update.ExecuteNonQueryAsync(ct);
            }
            if (updated != balances.Count) throw new InvalidOperationException($"The ceiling updated {updated} of {balances.Count} balances.");
        }
        clock.Stop();
        await tx.RollbackAsync(ct);
        return (clock.Elapsed, orders.Count);
    }

    /// <summary>Order rows (no lines) up to <paramref name="total"/>, spread over statuses, shops and the last 90 days, for the list.</summary>
    private static async Task MoreOrdersAsync(BenchHost host, World world, int total, Random random, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        var have = await db.Set<Order>().CountAsync(ct);
        var statuses = new[] { OrderStatus.Shipped, OrderStatus.Shipped, OrderStatus.Completed, OrderStatus.Completed, OrderStatus.Audited, OrderStatus.Cancelled, OrderStatus.PendingAudit };
        var now = DateTime.UtcNow;
        for (var done = have; done < total;)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var batch = Enumerable.Range(done, Math.Min(100_000, total - done)).Select(i => new Order
            {
                OrderNo = $"SH{i:D9}", Origin = OrderOrigin.Platform, ShopId = world.Shops[i % world.Shops.Count], PlatformOrderNo = $"HIST{i:D9}",
                Status = statuses[random.Next(statuses.Length)], ReceiverName = "收货人" + random.Next(10_000), Province = "浙江省", City = "杭州市",
                Currency = "CNY", Paid = 100L * random.Next(9, 900), PlacedAt = now.AddMinutes(-i / 8.0), PaidAt = now.AddMinutes(-i / 8.0),
                CreatedAt = now.AddMinutes(-i / 8.0 - 1), UpdatedAt = now, LineCount = 1, Quantity = 1,
            }).ToList();
            await db.BulkInsertAsync(batch, ct);
            await tx.CommitAsync(ct);
            done += batch.Count;
        }
    }
}
