using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ImportCatalog;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.Catalog.Features.ManageCombos;
using Shelfbook.Catalog.Features.ManageProducts;
using Shelfbook.Catalog.Features.MapListings;
using Shelfbook.Catalog.Features.ResolveLines;

namespace Shelfbook.Cli.Bench;

/// <summary>
/// Issue 3's figures: import 100,000 SKUs from one xlsx through the API (time and peak memory), resolve 500,000
/// mixed order lines (plain codes, aliases, barcodes, listings with multipliers, combos, replacements), and
/// code-prefix search p95 through the API over the imported catalog. <c>--quick</c> runs the same at a tenth.
/// </summary>
public static class CatalogBench
{
    public static async Task RunAsync(BenchHost host, bool quick, Action<string, double, string> report, CancellationToken ct)
    {
        var skuCount = quick ? 10_000 : 100_000;
        var lineCount = quick ? 50_000 : 500_000;
        var searches = quick ? 200 : 1_000;
        var random = new Random(20261111);

        // 1. Import: four variants per product, a barcode each, fifty categories.
        var file = Path.Combine(Path.GetTempPath(), $"shelfbook-bench-{Guid.NewGuid():N}.xlsx");
        try
        {
            await using (var output = File.Create(file))
                output.SaveAs(Rows(skuCount), excelType: ExcelType.XLSX);
            report("catalog.import.file", new FileInfo(file).Length / 1024.0 / 1024.0, "MiB");
            BenchHost.ResetPeak();
            var clock = Stopwatch.StartNew();
            await using (var upload = File.OpenRead(file))
            {
                using var form = new MultipartFormDataContent { { new StreamContent(upload), "file", "bench.xlsx" } };
                using var response = await host.Api.PostAsync(new Uri("/api/v1/catalog/import/products", UriKind.Relative), form, ct);
                var result = await response.Content.ReadFromJsonAsync<ImportResult>(ct);
                if (!response.IsSuccessStatusCode || result is not { Written: true } || result.Created != skuCount)
                    throw new InvalidOperationException($"The import failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
            report("catalog.import.skus", skuCount, "SKUs");
            report("catalog.import.seconds", clock.Elapsed.TotalSeconds, "s");
            report("catalog.import.rate", skuCount / clock.Elapsed.TotalSeconds, "SKUs/s");
            report("catalog.import.peak_working_set", BenchHost.PeakMiB(), "MiB");
        }
        finally
        {
            File.Delete(file);
        }

        // 2. What resolution meets in a real tenant: aliases, combos (some nested), listings with multipliers, replacements.
        var world = await PrepareAsync(host, skuCount, random, ct);

        // 3. Resolve a batch with skewed popularity (a few SKUs sell most). The first batch after a catalog change reads
        // the catalog side whole and keeps it (cold); the next batches read only the listings and the version (warm).
        var lines = Lines(world, lineCount, random);
        var snapshots = host.Services.GetRequiredService<ResolutionSnapshots>();
        snapshots.Clear();
        await using (var db = host.OpenTenant())
        {
            // One small batch first: the first call of each query pays for compiling it, which a running server has
            // long paid.
            await new LineResolver(db).ResolveAsync(lines.Take(100).ToList(), sku => 0, ct);
            var clock = Stopwatch.StartNew();
            var results = await new LineResolver(db, snapshots).ResolveAsync(lines, sku => 0, ct);
            clock.Stop();
            report("catalog.resolve.lines", lineCount, "lines");
            report("catalog.resolve.cold_seconds", clock.Elapsed.TotalSeconds, "s");
            report("catalog.resolve.unresolved", results.Count(r => !r.Resolved), "lines");
            report("catalog.resolve.parts", results.Sum(r => r.Parts.Count), "parts");
            var warm = new List<double>();
            for (var round = 0; round < 3; round++)
            {
                clock.Restart();
                await new LineResolver(db, snapshots).ResolveAsync(lines, sku => 0, ct);
                warm.Add(clock.Elapsed.TotalSeconds);
            }
            if (snapshots.Hits < 3) throw new InvalidOperationException("The warm batches did not use the kept snapshot.");
            report("catalog.resolve.seconds", warm.Max(), "s");
            report("catalog.resolve.rate", lineCount / warm.Max(), "lines/s");
        }

        // 4. Search through the API: a code prefix as a scanner or a seller types it, then a name fragment.
        report("catalog.search.code_p95", await P95Async(host, searches, i => $"code={Code(random.Next(skuCount))[..9]}", ct), "ms");
        report("catalog.search.text_p95", await P95Async(host, searches / 4, i => $"search={Uri.EscapeDataString($"测试货品{random.Next(skuCount / 4):D6}")}", ct), "ms");
    }

    private static string Code(int i) => $"BN-{i / 4:D6}-{i % 4}";

    private static IEnumerable<IDictionary<string, object?>> Rows(int count)
    {
        string[] specs = ["白色 S", "白色 M", "黑色 M", "黑色 L"];
        for (var i = 0; i < count; i++)
            yield return new Dictionary<string, object?>
            {
                ["商家编码"] = Code(i), ["货品名称"] = $"测试货品{i / 4:D6}", ["规格"] = specs[i % 4], ["条码"] = $"69{i:D11}", ["品牌"] = $"品牌{i % 20}",
                ["分类"] = $"基准/类目{i / 4 % 50}", ["重量(克)"] = 100 + i % 400, ["成本价(元)"] = 10 + i % 90, ["零售价(元)"] = 29.9 + i % 200,
            };
    }

    private sealed record World(int Skus, Guid ShopId, List<string> Aliases, List<string> Combos, List<(string Item, string Sku)> Listings, List<string> Replaced);

    private static async Task<World> PrepareAsync(BenchHost host, int skuCount, Random random, CancellationToken ct)
    {
        var aliases = new List<string>();
        await using (var db = host.OpenTenant())
        {
            // One SKU in ten gets an old code as alias.
            for (var start = 0; start < skuCount; start += 5000)
            {
                var codes = Enumerable.Range(start, Math.Min(5000, skuCount - start)).Where(i => i % 10 == 0).Select(i => Code(i)).ToList();
                var skus = await db.Set<Sku>().Include(s => s.Aliases).Include(s => s.Codes).Include(s => s.Barcodes).AsSplitQuery()
                    .Where(s => codes.Contains(s.Code)).ToListAsync(ct);
                foreach (var sku in skus)
                {
                    var alias = "OLD" + sku.Code;
                    sku.AddAlias(alias, null, DateTime.UtcNow);
                    aliases.Add(alias);
                }
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        var combos = new List<string>();
        await using (var db = host.OpenTenant())
        {
            var handler = new ManageCombos(db, new ManageProducts(db));
            var comboCount = skuCount / 100;
            for (var i = 0; i < comboCount; i++)
            {
                var nested = i >= comboCount * 9 / 10 && combos.Count > 0;
                var parts = nested
                    ? new[] { new ComponentInput(combos[random.Next(combos.Count)], 2), new ComponentInput(Code(random.Next(skuCount)), 1) }
                    : new[] { new ComponentInput(Code(random.Next(skuCount)), 1), new ComponentInput(Code(random.Next(skuCount)), 1 + random.Next(3)) };
                if (parts[0].Code == parts[1].Code) continue;
                var combo = await handler.CreateAsync(new ComboInput($"礼盒{i}", $"BOX-{i:D5}", parts, RetailPrice: 19900), ct);
                combos.Add(combo.Sku.Code);
                db.ChangeTracker.Clear();
            }
        }
        Guid shopId;
        var listings = new List<(string, string)>();
        await using (var db = host.OpenTenant())
        {
            var shop = Shop.Create(new ShopInput("Tmall", "BENCH-TM", "基准天猫店"), DateTime.UtcNow);
            db.Set<Shop>().Add(shop);
            await db.SaveChangesAsync(ct);
            shopId = shop.Id;
            var handler = new MapListings(db);
            var count = skuCount / 5;
            var inputs = Enumerable.Range(0, count).Select(i => new ListingInput($"{100000 + i / 4}", $"{i % 4}", i % 2 == 0 ? Code(i * 5 % skuCount) : Code(i * 5 % skuCount) + "-2PK", $"测试货品 {i}"))
                .ToList();
            foreach (var chunk in inputs.Chunk(5000))
            {
                await handler.StoreAsync(shopId, new ListingsBatch(chunk), ct);
                db.ChangeTracker.Clear();
            }
            var open = await db.Set<ShopListing>().Where(l => l.ShopId == shopId && l.Match == ListingMatch.Unmatched).Select(l => new { l.Id, l.SellerCode }).ToListAsync(ct);
            foreach (var chunk in open.Chunk(5000))
            {
                await handler.MapAsync(new MapRequest(chunk.Select(l => new MapItem(l.Id, l.SellerCode![..^4], 2)).ToList()), ct);
                db.ChangeTracker.Clear();
            }
            listings.AddRange(inputs.Select(l => (l.PlatformItemId!, l.PlatformSkuId!)));
        }
        var replaced = new List<string>();
        await using (var db = host.OpenTenant())
        {
            for (var i = 0; i < 100; i++)
            {
                var from = Code(random.Next(skuCount));
                var to = Code(random.Next(skuCount));
                var skus = await db.Set<Sku>().Where(s => s.Code == from || s.Code == to).ToListAsync(ct);
                if (from == to || skus.Count != 2 || replaced.Contains(from)) continue;
                db.Set<SkuReplacement>().Add(SkuReplacement.Create(new ReplacementInput(from, to, OnlyWhenOutOfStock: i % 2 == 0),
                    skus.Single(s => s.Code == from), skus.Single(s => s.Code == to), DateTime.UtcNow));
                replaced.Add(from);
            }
            await db.SaveChangesAsync(ct);
        }
        return new World(skuCount, shopId, aliases, combos, listings, replaced);
    }

    private static List<LineToResolve> Lines(World world, int count, Random random)
    {
        // Popularity: the square of a uniform number leans hard towards the first items.
        int Popular(int n) => (int)(Math.Pow(random.NextDouble(), 2) * n);
        var lines = new List<LineToResolve>(count);
        for (var i = 0; i < count; i++)
        {
            var quantity = 1 + random.Next(3);
            var amount = 1000L * quantity + random.Next(10_000);
            lines.Add((i % 20) switch
            {
                < 8 => new LineToResolve(world.ShopId, null, null, Code(Popular(world.Skus)), quantity, amount),
                < 11 => new LineToResolve(world.ShopId, null, null, world.Aliases[Popular(world.Aliases.Count)], quantity, amount),
                < 13 => new LineToResolve(world.ShopId, null, null, $"69{Popular(world.Skus):D11}", quantity, amount),
                < 16 => world.Listings[Popular(world.Listings.Count)] is var (item, sku) ? new LineToResolve(world.ShopId, item, sku, null, quantity, amount) : null!,
                < 19 => new LineToResolve(world.ShopId, null, null, world.Combos[Popular(world.Combos.Count)], quantity, amount),
                _ => new LineToResolve(world.ShopId, null, null, world.Replaced[Popular(world.Replaced.Count)], quantity, amount),
            });
        }
        return lines;
    }

    private static async Task<double> P95Async(BenchHost host, int count, Func<int, string> query, CancellationToken ct)
    {
        // A few unmeasured requests first: the first ones pay for JIT and connection set-up.
        for (var i = 0; i < 5; i++) await host.Api.GetStringAsync(new Uri($"/api/v1/catalog/skus?{query(i)}", UriKind.Relative), ct);
        var times = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            using var response = await host.Api.GetAsync(new Uri($"/api/v1/catalog/skus?{query(i)}&limit=50", UriKind.Relative), ct);
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync(ct);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[(int)Math.Ceiling(times.Count * 0.95) - 1];
    }
}
