using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Shelfbook.Catalog.Features.ImportCatalog;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Inventory.Features.Stocktakes;
using Shelfbook.Inventory.Features.StockViews;
using Shelfbook.Kernel;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// Issue 4's figures: post 1,000,000 movements through the ledger against the raw insert rate of the same rows on
/// the same database, reserve 100,000 order lines in one batch, and the stock page's p95 through the API over
/// 100,000 SKUs × 5 warehouses; then a whole-warehouse count sheet (100,000 lines): its start, and single counts and
/// line pages through the API. <c>--quick</c> runs the same at a tenth.
/// </summary>
public static class InventoryBench
{
    private const int Warehouses = 5;

    public static async Task RunAsync(BenchHost host, bool quick, Action<string, double, string> report, CancellationToken ct)
    {
        var skuCount = quick ? 10_000 : 100_000;
        var movementCount = quick ? 100_000 : 1_000_000;
        var reserveLines = quick ? 10_000 : 100_000;
        var pages = quick ? 100 : 500;
        var random = new Random(20261128);

        var (skus, warehouses) = await PrepareAsync(host, skuCount, ct);

        // 1. The raw ceiling: the same rows written straight into stock_movements (no balances, no checks), then removed.
        var drafts = Drafts(skus, warehouses, movementCount, "bench").ToList();
        await using (var db = host.OpenTenant())
        {
            var rows = drafts.Select(d => new StockMovement
            {
                WarehouseId = d.WarehouseId, SkuId = d.SkuId, Condition = d.Condition, Quantity = d.Quantity, Type = d.Type, Reason = d.Reason,
                SourceType = d.SourceType, SourceNo = d.SourceNo, UnitCost = 1000, OnHandAfter = d.Quantity, OperatorName = "bench",
                At = DateTime.UtcNow, IdempotencyKey = "raw:" + d.IdempotencyKey,
            }).ToList();
            var raw = Stopwatch.StartNew();
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                await db.BulkInsertAsync(rows, ct);
                await transaction.CommitAsync(ct);
            }
            raw.Stop();
            report("inventory.raw_insert.rate", movementCount / raw.Elapsed.TotalSeconds, "rows/s");
            await db.Set<StockMovement>().Where(m => m.IdempotencyKey.StartsWith("raw:")).ExecuteDeleteAsync(ct);
            // PostgreSQL keeps the million deleted rows (and their index entries) until a vacuum: left to autovacuum, that
            // vacuum would run during the posting below and be timed with it. Clean up the ceiling's own rows first.
            if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync("VACUUM (ANALYZE) stock_movements", ct);
            ReportPost(report, movementCount, raw.Elapsed, null);

            // 2. The same movements through the ledger, in batches of 100,000 (one transaction each): balances, costs, checks.
            BenchHost.ResetPeak();
            var post = Stopwatch.StartNew();
            foreach (var batch in drafts.Chunk(100_000))
            {
                await using var scope = host.Scope();
                await scope.ServiceProvider.GetRequiredService<StockPosting>().PostAsync(batch, ct);
            }
            post.Stop();
            ReportPost(report, movementCount, post.Elapsed, raw.Elapsed);
            report("inventory.post.peak_working_set", BenchHost.PeakMiB(), "MiB");
        }

        // 3. Reserve one batch of order lines (1–4 lines per order, skewed popularity), all or nothing per order.
        var lines = new List<StockToReserve>(reserveLines);
        while (lines.Count < reserveLines)
        {
            var order = Guid.NewGuid();
            var count = Math.Min(random.Next(1, 5), reserveLines - lines.Count);
            for (var i = 0; i < count; i++)
            {
                var sku = skus[(int)(Math.Pow(random.NextDouble(), 3) * skus.Count)];
                lines.Add(new StockToReserve(order, "BENCH-" + order.ToString("N")[..12], Guid.NewGuid(), sku, warehouses[random.Next(warehouses.Count)], random.Next(1, 3)));
            }
        }
        var reserve = Stopwatch.StartNew();
        IReadOnlyList<OrderReservation> results;
        await using (var scope = host.Scope())
            results = await scope.ServiceProvider.GetRequiredService<IReserveStock>().ReserveAsync(lines, ct);
        reserve.Stop();
        report("inventory.reserve.lines", reserveLines, "lines");
        report("inventory.reserve.orders", results.Count, "orders");
        report("inventory.reserve.reserved_orders", results.Count(r => r.Reserved), "orders");
        report("inventory.reserve.seconds", reserve.Elapsed.TotalSeconds, "s");

        // 4. The stock page through the API: random pages of 50 SKUs, all warehouses or one, and code-prefix searches.
        var times = new List<double>(pages);
        var codes = await CodesAsync(host, ct);
        for (var i = 0; i < pages + 20; i++)
        {
            var after = PageRequest.Cursor(codes[random.Next(codes.Count)]);
            var url = (i % 3) switch
            {
                0 => $"/api/v1/inventory/stock?limit=50&after={Uri.EscapeDataString(after)}",
                1 => $"/api/v1/inventory/stock?limit=50&warehouseId={warehouses[random.Next(warehouses.Count)]}&after={Uri.EscapeDataString(after)}",
                _ => $"/api/v1/inventory/stock?limit=50&search={Uri.EscapeDataString(codes[random.Next(codes.Count)][..6])}",
            };
            var clock = Stopwatch.StartNew();
            using var response = await host.Api.GetAsync(new Uri(url, UriKind.Relative), ct);
            var page = await response.Content.ReadFromJsonAsync<Page<SkuStock>>(ct);
            clock.Stop();
            if (!response.IsSuccessStatusCode || page is null || (i % 3 != 2 && page.Items.Count == 0))
                throw new InvalidOperationException($"The stock page failed: {(int)response.StatusCode} {url}");
            if (i >= 20) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        report("inventory.stock_page.skus", skuCount, "SKUs");
        report("inventory.stock_page.balances", (long)skuCount * Warehouses, "rows");
        report("inventory.stock_page.p50", times[times.Count / 2], "ms");
        report("inventory.stock_page.p95", times[(int)(times.Count * 0.95)], "ms");

        // 5. A whole-warehouse count sheet (one line per SKU): starting it, then single counts and line pages through the API.
        var start = Stopwatch.StartNew();
        using var started = await host.Api.PostAsJsonAsync(new Uri("/api/v1/inventory/stocktakes", UriKind.Relative), new { warehouseId = warehouses[0] }, ct);
        var sheet = await started.Content.ReadFromJsonAsync<StocktakeView>(ct);
        start.Stop();
        if (!started.IsSuccessStatusCode || sheet is null) throw new InvalidOperationException($"The stocktake did not start: {(int)started.StatusCode}");
        report("inventory.stocktake.lines", sheet.Lines, "lines");
        report("inventory.stocktake.start_seconds", start.Elapsed.TotalSeconds, "s");
        var counts = new List<double>();
        var linePages = new List<double>();
        for (var i = 0; i < pages / 2 + 10; i++)
        {
            var clock = Stopwatch.StartNew();
            using var counted = await host.Api.PostAsJsonAsync(new Uri($"/api/v1/inventory/stocktakes/{sheet.Id}/counts", UriKind.Relative),
                new { code = codes[random.Next(codes.Count)], quantity = random.Next(1, 50), mode = "Set" }, ct);
            clock.Stop();
            if (!counted.IsSuccessStatusCode) throw new InvalidOperationException($"A count failed: {(int)counted.StatusCode} {await counted.Content.ReadAsStringAsync(ct)}");
            if (i >= 10) counts.Add(clock.Elapsed.TotalMilliseconds);
            clock.Restart();
            using var lines100 = await host.Api.GetAsync(new Uri($"/api/v1/inventory/stocktakes/{sheet.Id}/lines?limit=100&after={Uri.EscapeDataString(PageRequest.Cursor(codes[random.Next(codes.Count)] + "|Sellable"))}", UriKind.Relative), ct);
            clock.Stop();
            if (!lines100.IsSuccessStatusCode) throw new InvalidOperationException($"A line page failed: {(int)lines100.StatusCode}");
            if (i >= 10) linePages.Add(clock.Elapsed.TotalMilliseconds);
        }
        counts.Sort();
        linePages.Sort();
        report("inventory.stocktake.count_p95", counts[(int)(counts.Count * 0.95)], "ms");
        report("inventory.stocktake.lines_page_p95", linePages[(int)(linePages.Count * 0.95)], "ms");

        await using (var db = host.OpenTenant())
        {
            var drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct);
            report("inventory.verify.drifts", drifts.Count, "drifts");
            if (drifts.Count > 0) throw new InvalidOperationException("The ledger drifted: " + drifts[0]);
        }
    }

    private static void ReportPost(Action<string, double, string> report, int count, TimeSpan elapsed, TimeSpan? raw)
    {
        if (raw is null) return;
        report("inventory.post.movements", count, "movements");
        report("inventory.post.seconds", elapsed.TotalSeconds, "s");
        report("inventory.post.rate", count / elapsed.TotalSeconds, "movements/s");
        report("inventory.post.ratio_to_raw", raw.Value.TotalSeconds / elapsed.TotalSeconds * 100, "%");
    }

    /// <summary>Receipts spread over every SKU and warehouse: two per balance at full size.</summary>
    private static IEnumerable<MovementDraft> Drafts(List<Guid> skus, List<Guid> warehouses, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            var sku = skus[i % skus.Count];
            var warehouse = warehouses[i / skus.Count % warehouses.Count];
            yield return new MovementDraft(warehouse, sku, StockCondition.Sellable, 20 + i % 30, MovementType.PurchaseReceipt, $"{prefix}:{i}", $"lines[{i}]",
                SourceType: "bench", SourceNo: "BENCH", UnitCost: 1000 + i % 500);
        }
    }

    private static async Task<(List<Guid> Skus, List<Guid> Warehouses)> PrepareAsync(BenchHost host, int skuCount, CancellationToken ct)
    {
        var warehouses = new List<Guid>();
        await using (var scope = host.Scope())
        {
            var manage = scope.ServiceProvider.GetRequiredService<ManageWarehouses>();
            for (var w = 0; w < Warehouses; w++)
                warehouses.Add((await manage.CreateAsync(new WarehouseInput($"INVB{w}", $"基准仓{w}", "Own"), ct)).Id);
        }
        using (var sheet = new MemoryStream())
        {
            sheet.SaveAs(Enumerable.Range(0, skuCount).Select(i => new Dictionary<string, object?>
            {
                ["商家编码"] = $"INV{i:D6}", ["货品名称"] = $"库存基准{i / 4:D6}", ["规格"] = $"规格{i % 4}", ["成本价(元)"] = 10 + i % 90, ["安全库存"] = i % 7 == 0 ? 500 : 0,
            }), excelType: ExcelType.XLSX);
            sheet.Position = 0;
            await using var scope = host.Scope();
            var result = await scope.ServiceProvider.GetRequiredService<ImportProducts>().ImportAsync(sheet, false, null, ct);
            if (!result.Written) throw new InvalidOperationException("The bench SKUs could not be imported: " + string.Join("; ", result.Errors.Take(3)));
        }
        await using var db = host.OpenTenant();
        var ids = await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Where(s => s.Code.StartsWith("INV")).OrderBy(s => s.NormalizedCode).Select(s => s.Id).ToListAsync(ct);
        return (ids, warehouses);
    }

    private static async Task<List<string>> CodesAsync(BenchHost host, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        return await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Where(s => s.Code.StartsWith("INV")).Select(s => s.NormalizedCode).ToListAsync(ct);
    }
}
