using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shelfbook.Catalog.Domain;
using Shelfbook.Catalog.Features.ImportCatalog;
using Shelfbook.Catalog.Features.ManageShops;
using Shelfbook.Channels.Domain;
using Shelfbook.Channels.Features.ConfirmShipments;
using Shelfbook.Channels.Features.ManageConnections;
using Shelfbook.Channels.Features.SyncOrders;
using Shelfbook.Data;
using Shelfbook.Fulfillment.Features.Ship;
using Shelfbook.Fulfillment.Features.Waves;
using Shelfbook.Fulfillment.Features.Waybills;
using Shelfbook.Inventory.Domain;
using Shelfbook.Inventory.Features.Ledger;
using Shelfbook.Inventory.Features.ManageWarehouses;
using Shelfbook.Inventory.Features.QuickOutbound;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Domain;
using Shelfbook.Logistics.Features.Waybills;
using Shelfbook.Orders.Domain;
using Shelfbook.Orders.Features.AuditOrders;
using Shelfbook.Orders.Features.AuditRules;
using Shelfbook.Orders.Features.IntakeOrders;
using Shelfbook.Orders.Features.ManageAllocationRules;

namespace Shelfbook.Cli.Bench;

/// <summary>What a double-11 replay is made of: orders in all, shops, SKUs, the share of platform calls that fail, the seed.</summary>
public sealed record Double11Options(int Orders = 1_000_000, int Shops = 20, int Skus = 50_000, double FaultRate = 0, int Seed = 11);

/// <summary>
/// <c>shelfbook bench double11</c> (issue 8): a peak day replayed through the whole pipeline. The sandbox runs as its own
/// process (so that its million orders are not counted in Shelfbook's memory) with <see cref="Double11Options.Shops"/>
/// shops on Taobao, Tmall, Pinduoduo and Douyin, each with its share of the orders, all paid at the start of the replay
/// (midnight of 11.11), their codes drawn with skewed popularity from the SKUs, their aliases and combos. Shelfbook —
/// the real web host and its services, in this process — then runs each stage flat out, one after the other, as the
/// workers would: sync over HTTP (every shop at once) → intake → audit rules (auto-audit: allocation by rule over three
/// own warehouses and a third-party one, carrier by rule, stock reserved) → waves → 电子面单 from the sandbox carriers →
/// 简易发货 of each wave with its numbers, and the third-party warehouse's shipment report → write-back, until the
/// sandbox has accepted one confirmation per order. Each stage prints its orders/s, SQL statements per order (the
/// command counter, <see cref="SqlStatements"/>) and peak working set; the run prints end-to-end orders/s, the p50 and
/// p95 time from payment (the replay's start) to audited, and the raw storage ceiling of intake + audit measured in the
/// same run with the ratio. Every order must end shipped and confirmed, and the ledger verified, or the run fails.
/// </summary>
public static class Double11Bench
{
    private const string Secret = "d11-secret";
    private static readonly string[] Platforms = ["Taobao", "Tmall", "Pinduoduo", "Douyin"];
    private static readonly string[] South = ["广东省", "广西壮族自治区", "福建省", "海南省", "湖南省", "江西省", "云南省", "贵州省", "四川省", "重庆市"];
    private static readonly string[] North = ["北京市", "天津市", "河北省", "山东省", "山西省", "辽宁省", "吉林省", "黑龙江省", "内蒙古自治区", "陕西省"];

    private sealed record ShopSetup(Guid Id, string Platform, string Seller, int Orders);

    private sealed record World(List<ShopSetup> Shops, Guid ThirdParty, List<Guid> Own);

    public static async Task RunAsync(string? provider, string? connection, Double11Options options, Action<string, double, string> report, TextWriter log, CancellationToken ct)
    {
        await using var sandbox = await SandboxProcess.StartAsync(ct);
        await using var host = await BenchHost.StartAsync(provider, connection, ct);
        log.WriteLine($"double11: database {host.Database}, tenant {host.Tenant.Value}, {options.Orders:N0} orders over {options.Shops} shops, {options.Skus:N0} SKUs, "
                      + $"fault rate {options.FaultRate:P1}, {Environment.ProcessorCount} cores");
        var setup = Stopwatch.StartNew();
        var world = await PrepareAsync(host, sandbox, options, ct);
        log.WriteLine($"double11: world ready in {setup.Elapsed.TotalSeconds:0} s (SKUs, stock, rules, shops, the sandbox's orders)");

        var n = options.Orders;
        var stages = new List<(string Name, double Seconds)>();
        long peak = 0;
        long statementsBefore = 0;
        Stopwatch stage = new();
        void Begin()
        {
            BenchHost.ResetPeak();
            statementsBefore = SqlStatements.Count;
            stage.Restart();
        }
        void End(string name, int orders)
        {
            stage.Stop();
            var memory = BenchHost.PeakMiB();
            peak = Math.Max(peak, memory);
            stages.Add((name, stage.Elapsed.TotalSeconds));
            report($"double11.{name}.orders", orders, "orders");
            report($"double11.{name}.seconds", stage.Elapsed.TotalSeconds, "s");
            report($"double11.{name}.rate", orders / stage.Elapsed.TotalSeconds, "orders/s");
            report($"double11.{name}.statements_per_order", (SqlStatements.Count - statementsBefore) / (double)Math.Max(1, orders), "statements");
            report($"double11.{name}.peak_working_set", memory, "MiB");
        }

        // 1. Sync: every shop at once, over HTTP; a shop whose sync a platform fault broke is synced again (its cursor kept).
        var start = DateTime.UtcNow;
        var total = Stopwatch.StartNew();
        Begin();
        var stored = await SyncAsync(host, world, n, ct);
        End("sync", stored);

        // 2. Intake, then the audit rules (auto-audit: allocate, set the carrier, reserve), round after round as the intake worker goes.
        Begin();
        var (intakeSeconds, rulesSeconds, audited) = await IntakeAndAuditAsync(host, n, ct);
        End("intake_audit", audited);
        report("double11.intake.seconds", intakeSeconds, "s");
        report("double11.audit.seconds", rulesSeconds, "s");
        var latencies = await PaidToAuditedAsync(host, start, ct);

        // 3. Waves in each own warehouse: one-unit orders first, then the rest, as many as a wave holds.
        Begin();
        var waves = await WavesAsync(host, world, ct);
        End("waves", waves.Sum(w => w.OrderCount));
        report("double11.waves.count", waves.Count, "waves");

        // 4. 电子面单 for every wave from the sandbox carriers.
        Begin();
        var numbered = await WaybillsAsync(host, waves, ct);
        End("waybills", numbered.Count);

        // 5. 简易发货 of each wave with its numbers; the third-party warehouse reports what it shipped.
        Begin();
        var shipped = await ShipAsync(host, world, numbered, ct);
        End("ship", shipped);

        // 6. Write-back until the sandbox accepted every order's number.
        Begin();
        var confirmed = await WriteBackAsync(host, n, ct);
        End("write_back", confirmed);
        total.Stop();

        await CheckAsync(host, sandbox, world, n, ct);

        report("double11.end_to_end.orders", n, "orders");
        report("double11.end_to_end.seconds", total.Elapsed.TotalSeconds, "s");
        report("double11.end_to_end.rate", n / total.Elapsed.TotalSeconds, "orders/s");
        report("double11.latency.paid_to_audited_p50", Percentile(latencies, 0.50), "s");
        report("double11.latency.paid_to_audited_p95", Percentile(latencies, 0.95), "s");
        report("double11.peak_working_set", peak, "MiB");

        // The raw ceiling of intake + audit, on the same database in the same run (a sample of at most 100,000 orders).
        var (ceiling, sample) = await OrdersBench.CeilingAsync(host, Math.Min(n, 100_000), ct);
        var rate = audited / stages.Single(s => s.Name == "intake_audit").Seconds;
        var ceilingRate = sample / ceiling.TotalSeconds;
        report("double11.ceiling.orders", sample, "orders");
        report("double11.ceiling.rate", ceilingRate, "orders/s");
        report("double11.intake_audit.ratio_to_ceiling", rate / ceilingRate * 100, "%");
        log.WriteLine($"double11: {n:N0} orders end to end in {total.Elapsed.TotalSeconds:0.0} s ({n / total.Elapsed.TotalSeconds:0} orders/s); "
                      + string.Join(", ", stages.Select(s => $"{s.Name} {s.Seconds:0.0} s")));
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    // ---- the world ----------------------------------------------------------------------------------------------------

    private static async Task<World> PrepareAsync(BenchHost host, SandboxProcess sandbox, Double11Options options, CancellationToken ct)
    {
        var random = new Random(options.Seed);
        // SKUs (and the codes the sandbox draws as "never mapped", so that every order can ship), one in ten with an old code as alias, two-part combos.
        var codes = Enumerable.Range(0, options.Skus).Select(i => $"D11{i:D6}").ToList();
        var unmapped = Enumerable.Range(100, 900).Select(i => $"UNMAPPED-{i}").ToList();
        await OrdersBench.ImportAsync(host, codes.Concat(unmapped).Select((c, i) => new Dictionary<string, object?>
        {
            ["商家编码"] = c, ["货品名称"] = $"双十一货品{i / 4:D6}", ["规格"] = $"规格{i % 4}", ["成本价(元)"] = 10 + i % 90, ["重量(克)"] = 100 + i % 900,
        }), null, ct);
        var aliases = codes.Where((_, i) => i % 10 == 0).Select(c => "OLD" + c).ToList();
        await OrdersBench.ImportAsync(host, aliases.Select(a => new Dictionary<string, object?> { ["商家编码"] = a[3..], ["别名"] = a }), SheetKind.Aliases, ct);
        var combos = Enumerable.Range(0, Math.Max(1, options.Skus / 100)).Select(i => $"D11SET{i:D5}").ToList();
        await OrdersBench.ImportAsync(host, combos.SelectMany((c, i) => new[]
        {
            new Dictionary<string, object?> { ["组合编码"] = c, ["组合名称"] = "礼盒" + i, ["子件编码"] = codes[i * 2 % codes.Count], ["数量"] = 1 },
            new Dictionary<string, object?> { ["组合编码"] = c, ["组合名称"] = "礼盒" + i, ["子件编码"] = codes[(i * 2 + 1) % codes.Count], ["数量"] = 2 },
        }), SheetKind.Combos, ct);

        // Three own warehouses (Shanghai, Guangzhou, Beijing) and a third-party one (云仓), each with ample stock of every SKU.
        var warehouses = new List<Guid>();
        await using (var scope = host.Scope())
        {
            var manage = scope.ServiceProvider.GetRequiredService<ManageWarehouses>();
            foreach (var (code, name, type) in new[] { ("D11SH", "上海仓", "Own"), ("D11GZ", "广州仓", "Own"), ("D11BJ", "北京仓", "Own"), ("D11YC", "云仓（第三方）", "ThirdParty") })
                warehouses.Add((await manage.CreateAsync(new WarehouseInput(code, name, type), ct)).Id);
        }
        await using (var db = host.OpenTenant())
        {
            // Combos hold no stock of their own (their parts do).
            var skus = await Shelfbook.Catalog.Contracts.SkuQueries.Summaries(db).Where(s => !s.Code.StartsWith("D11SET")).Select(s => s.Id).ToListAsync(ct);
            var drafts = skus.SelectMany((sku, i) => warehouses.Select((w, k) => new MovementDraft(w, sku, StockCondition.Sellable, 10_000_000,
                MovementType.OpeningBalance, $"d11:{k}:{i}", "lines[0]"))).ToList();
            foreach (var chunk in drafts.Chunk(100_000))
            {
                await using var scope = host.Scope();
                await scope.ServiceProvider.GetRequiredService<StockPosting>().PostAsync(chunk, ct);
            }
        }
        var (shanghai, guangzhou, beijing, thirdParty) = (warehouses[0], warehouses[1], warehouses[2], warehouses[3]);

        // Two couriers with their 电子面单 accounts in the sandbox, rate tables by zone, and a sender at each own warehouse.
        var carriers = new Dictionary<string, Guid>();
        await using (var db = host.OpenTenant())
        {
            var now = DateTime.UtcNow;
            foreach (var (code, name, first, step) in new[] { ("ZTO", "中通", 600L, 300L), ("SF", "顺丰", 1600L, 500L) })
            {
                var carrier = new Carrier { Code = code, NormalizedCode = code, Name = name, UpdatedAt = now };
                var service = new CarrierService { CarrierId = carrier.Id, Code = "STD", Name = name + "标准", UpdatedAt = now };
                var table = new RateTable { ServiceId = service.Id, Name = name, UpdatedAt = now };
                db.AddRange(carrier, service, table,
                    new RateZone { TableId = table.Id, Name = "江浙沪", Destinations = ["上海", "江苏", "浙江"], FirstGrams = 1000, FirstPrice = first * 3 / 4, StepGrams = 1000, StepPrice = step / 3 },
                    new RateZone { TableId = table.Id, Position = 1, Name = "全国", Destinations = ["*"], FirstGrams = 1000, FirstPrice = first, StepGrams = 1000, StepPrice = step });
                carriers[code] = carrier.Id;
            }
            await db.SaveChangesAsync(ct);
        }
        await using (var scope = host.Scope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<ManageWaybillAccounts>();
            foreach (var (code, id) in carriers)
            {
                await sandbox.PostAsync("/_sandbox/carriers/accounts", new { carrier = code, appKey = "d11-" + code, appSecret = Secret, customerCode = "D11-" + code, balance = 1_000_000_000_000L }, ct);
                await accounts.CreateAsync(new WaybillAccountInput(id, new Uri(sandbox.Url, $"/carriers/{code}/api").ToString(), "d11-" + code, Secret, "D11-" + code, true), ct);
            }
            foreach (var (id, city, district, street) in new[] { (shanghai, "上海市", "青浦区", "华新镇华腾路 1288 号"), (guangzhou, "广州市", "白云区", "太和镇大源北路 66 号"), (beijing, "北京市", "大兴区", "亦庄经济开发区科创十三街 18 号") })
                await accounts.SetSenderAsync(id, new SenderInput("山海电商", "021-5555-0101", city == "广州市" ? "广东省" : city, city, district, street), ct);
        }

        // The shops: Taobao, Tmall, Pinduoduo and Douyin in turn, each a seller in the sandbox with its share of the orders.
        var pool = CodePool(codes, aliases, combos, random);
        var now2 = DateTime.UtcNow;
        var shops = new List<ShopSetup>();
        for (var i = 0; i < options.Shops; i++)
        {
            var platform = Platforms[i % Platforms.Length];
            var count = options.Orders / options.Shops + (i < options.Orders % options.Shops ? 1 : 0);
            var seller = $"d11-{platform.ToLowerInvariant()}-{i}";
            var (register, path, control, api, credentials) = platform switch
            {
                "Pinduoduo" => ((object)new { clientId = "d11-pdd", clientSecret = Secret, accessToken = seller, mallName = $"双十一店{i}" }, "/_sandbox/pinduoduo/malls",
                    $"/_sandbox/pinduoduo/malls/{seller}", "/pinduoduo/api/router",
                    new Dictionary<string, string?> { ["client_id"] = "d11-pdd", ["client_secret"] = Secret, ["access_token"] = seller }),
                "Douyin" => (new { appKey = "d11-douyin", appSecret = Secret, accessToken = seller, shopName = $"双十一店{i}" }, "/_sandbox/douyin/shops",
                    $"/_sandbox/douyin/shops/{seller}", "/douyin",
                    new Dictionary<string, string?> { ["app_key"] = "d11-douyin", ["app_secret"] = Secret, ["access_token"] = seller }),
                _ => (new { appKey = "d11-top", appSecret = Secret, session = seller, nick = $"双十一店{i}" }, "/_sandbox/taobao/sellers",
                    $"/_sandbox/taobao/sellers/{seller}", "/taobao/router/rest",
                    new Dictionary<string, string?> { ["app_key"] = "d11-top", ["app_secret"] = Secret, ["session"] = seller }),
            };
            await sandbox.PostAsync(path, register, ct);
            // Paid orders only, all before the replay starts and older than the longest platform lag (Pinduoduo's 3 minutes).
            await sandbox.PostAsync(control + "/orders", new
            {
                count, from = now2.AddMinutes(-170), to = now2.AddMinutes(-5), sellerCodes = pool, seed = options.Seed * 1000 + i,
                unpaidShare = 0.0, closedShare = 0.0, refundShare = 0.0, remarkShare = 0.0, presaleShare = 0.0, abroad = false,
            }, ct);
            // A big seller's quota on its busiest day: the platform's call limit is not what this measures.
            var gateway = platform switch { "Pinduoduo" => "pinduoduo", "Douyin" => "douyin", _ => "taobao" };
            await sandbox.PostAsync($"/_sandbox/limits/{gateway}:{seller}", new { rate = 100_000.0, burst = 100_000.0 }, ct);
            await using var scope = host.Scope();
            var shop = await scope.ServiceProvider.GetRequiredService<ManageShops>().CreateAsync(new ShopInput(platform, $"D11-{i:D2}", $"双十一店{i}"), ct);
            var links = scope.ServiceProvider.GetRequiredService<ManageConnections>();
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(null, 300, now2.AddHours(-3), new Uri(sandbox.Url, api).ToString()), ct);
            await links.SetCredentialsAsync(shop.Id, new CredentialsInput(credentials), ct);
            await links.ConfigureAsync(shop.Id, new ConnectionSettings(true, null, null, null), ct);
            shops.Add(new ShopSetup(shop.Id, gateway, seller, count));
        }
        if (options.FaultRate > 0)
            foreach (var gateway in new[] { "taobao", "pinduoduo", "douyin" })
                await sandbox.PostAsync($"/_sandbox/faults/{gateway}", new { errorRate = options.FaultRate }, ct);

        // Rules: Douyin shops ship from the third-party warehouse; the south from Guangzhou, the north from Beijing, the rest
        // from Shanghai (each falling back to Shanghai when short). Orders of 300 yuan or more go by SF, the rest by ZTO; all
        // are audited on arrival.
        await using (var scope = host.Scope())
        {
            var allocation = scope.ServiceProvider.GetRequiredService<ManageAllocationRules>();
            var douyin = shops.Where(s => s.Platform == "douyin").Select(s => s.Id).ToList();
            if (douyin.Count > 0) await allocation.CreateAsync(new AllocationRuleInput("抖音店走云仓", 1, true, douyin, null, [thirdParty]), ct);
            await allocation.CreateAsync(new AllocationRuleInput("华南发广州", 2, true, null, [.. South], [guangzhou, shanghai]), ct);
            await allocation.CreateAsync(new AllocationRuleInput("华北发北京", 3, true, null, [.. North], [beijing, shanghai]), ct);
            await allocation.CreateAsync(new AllocationRuleInput("其余发上海", 4, true, null, null, [shanghai, guangzhou, beijing]), ct);
            var audit = scope.ServiceProvider.GetRequiredService<ManageAuditRules>();
            await audit.CreateAsync(new AuditRuleInput("高价走顺丰", 1, true, PaidMin: 30_000, CarrierCode: "SF", AutoAudit: true, Stop: true), ct);
            await audit.CreateAsync(new AuditRuleInput("其余中通", 2, true, CarrierCode: "ZTO", AutoAudit: true), ct);
        }
        return new World(shops, thirdParty, [shanghai, guangzhou, beijing]);
    }

    /// <summary>
    /// The codes the sandbox draws from (uniformly): a list in which each code appears as often as its popularity says —
    /// a few SKUs sell a great deal (the cube of a uniform draw picks the index), one line in twelve names an old code
    /// (an alias), one in fourteen a combo.
    /// </summary>
    private static string[] CodePool(List<string> codes, List<string> aliases, List<string> combos, Random random)
    {
        var pool = new string[Math.Max(20_000, codes.Count * 2)];
        for (var i = 0; i < pool.Length; i++)
            pool[i] = random.NextDouble() switch
            {
                < 0.08 => aliases[(int)(Math.Pow(random.NextDouble(), 3) * aliases.Count)],
                < 0.15 => combos[random.Next(combos.Count)],
                _ => codes[(int)(Math.Pow(random.NextDouble(), 3) * codes.Count)],
            };
        return pool;
    }

    // ---- the stages ---------------------------------------------------------------------------------------------------

    private static async Task<int> SyncAsync(BenchHost host, World world, int expected, CancellationToken ct)
    {
        var ids = world.Shops.Select(s => s.Id).ToList();
        var stored = 0;
        for (var round = 0; round < 100; round++)
        {
            var runs = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
            {
                await using var scope = host.Scope();
                return await scope.ServiceProvider.GetRequiredService<SyncShopOrders>().RunAsync(id, "bench", ct);
            }, ct)));
            await using (var db = host.OpenTenant())
                stored = await db.Set<PlatformOrder>().CountAsync(ct);
            if (stored >= expected) return stored;
            // Only a shop a fault stopped is synced again; one that finished clean and still lacks orders is a failure.
            if (runs.All(r => r.Error is null))
                throw new InvalidOperationException($"The sync stored {stored:N0} of {expected:N0} platform orders.");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        throw new InvalidOperationException($"The sync stored {stored:N0} of {expected:N0} platform orders after 100 rounds.");
    }

    private static async Task<(double Intake, double Rules, int Audited)> IntakeAndAuditAsync(BenchHost host, int expected, CancellationToken ct)
    {
        var (intake, rules) = (new Stopwatch(), new Stopwatch());
        while (true)
        {
            intake.Start();
            IntakeRun run;
            await using (var scope = host.Scope())
                run = await scope.ServiceProvider.GetRequiredService<IntakeOrders>().RunAsync(IntakeOrders.Batch * 5, ct);
            intake.Stop();
            rules.Start();
            while (true)
            {
                await using var scope = host.Scope();
                if ((await scope.ServiceProvider.GetRequiredService<ApplyAuditRules>().ApplyArrivedAsync(ApplyAuditRules.Batch, ct)).Checked == 0) break;
            }
            rules.Stop();
            if (run.TakenIn == 0 && !run.More) break;
        }
        await using var db = host.OpenTenant();
        var statuses = await db.Set<Order>().GroupBy(o => o.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var audited = statuses.Where(s => s.Key == OrderStatus.Audited).Sum(s => s.Count);
        if (audited != expected)
            throw new InvalidOperationException($"{audited:N0} of {expected:N0} orders audited: " + string.Join(", ", statuses.Select(s => $"{s.Key} {s.Count}")));
        return (intake.Elapsed.TotalSeconds, rules.Elapsed.TotalSeconds, audited);
    }

    /// <summary>Seconds from the replay's start (every order paid) to each order's audit, sorted.</summary>
    private static async Task<List<double>> PaidToAuditedAsync(BenchHost host, DateTime start, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        var at = await db.Set<OrderLogEntry>().Where(l => l.To == OrderStatus.Audited).GroupBy(l => l.OrderId).Select(g => g.Min(l => l.At)).ToListAsync(ct);
        var seconds = at.Select(a => Math.Max(0, (a - start).TotalSeconds)).ToList();
        seconds.Sort();
        return seconds;
    }

    private static async Task<List<WaveView>> WavesAsync(BenchHost host, World world, CancellationToken ct)
    {
        var waves = new List<WaveView>();
        foreach (var warehouse in world.Own)
            foreach (var strategy in new[] { "SingleItem", "MultiItem" })
                while (true)
                {
                    await using var scope = host.Scope();
                    try
                    {
                        waves.Add(await scope.ServiceProvider.GetRequiredService<Waves>().BuildAsync(new WaveRequest(warehouse, strategy, Shelfbook.Fulfillment.Domain.Wave.MaxOrders), ct));
                    }
                    catch (InputRejectedException e) when (e.Errors.Any(x => x.Code == "none_waiting"))
                    {
                        break;
                    }
                }
        return waves;
    }

    private static async Task<List<ShipRow>> WaybillsAsync(BenchHost host, List<WaveView> waves, CancellationToken ct)
    {
        var rows = new List<ShipRow>();
        foreach (var wave in waves)
        {
            WaybillRun run;
            await using (var scope = host.Scope())
                run = await scope.ServiceProvider.GetRequiredService<ParcelWaybills>().FetchAsync(new FetchWaybillsRequest(wave.Id), ct);
            if (run.Failed > 0)
                throw new InvalidOperationException($"Wave {wave.WaveNo}: {run.Failed} orders got no number, e.g. " + run.Results.First(r => r.TrackingNo is null).Message);
            rows.AddRange(run.Results.Select(r => new ShipRow(r.OrderNo, r.TrackingNo, r.CarrierCode)));
        }
        return rows;
    }

    private static async Task<int> ShipAsync(BenchHost host, World world, List<ShipRow> numbered, CancellationToken ct)
    {
        var shipped = 0;
        foreach (var chunk in numbered.Chunk(Shelfbook.Fulfillment.Domain.Wave.MaxOrders))
        {
            await using var scope = host.Scope();
            var run = await scope.ServiceProvider.GetRequiredService<ShipParcels>().ShipAsync(new ShipRequest("Simple", chunk), ct);
            if (run.Skipped > 0) throw new InvalidOperationException($"{run.Skipped} orders not shipped, e.g. " + run.Results.First(r => !r.Shipped).Message);
            shipped += run.Shipped;
        }
        // The third-party warehouse ships its orders with its own couriers' numbers and reports every line (quick outbound).
        List<(string OrderNo, string SkuCode, int Quantity)> items;
        await using (var db = host.OpenTenant())
            items = (await db.Set<Order>().Where(o => o.WarehouseId == world.ThirdParty && o.Status == OrderStatus.Audited)
                .Join(db.Set<OrderItem>(), o => o.Id, i => i.OrderId, (o, i) => new { o.OrderNo, i.SkuCode, i.Quantity }).OrderBy(x => x.OrderNo).ToListAsync(ct))
                .Select(x => (x.OrderNo, x.SkuCode, x.Quantity)).ToList();
        var number = 0;
        var tracking = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = items.Select(i => new ShippedLineInput(i.OrderNo, i.SkuCode, i.Quantity,
            tracking.TryGetValue(i.OrderNo, out var t) ? t : tracking[i.OrderNo] = $"79{++number:D12}")).ToList();
        for (var from = 0; from < lines.Count;)
        {
            // A report of at most its limit of lines, never cutting an order in two.
            var to = Math.Min(lines.Count, from + PostQuickOutbound.MaxLines);
            while (to < lines.Count && to > from && lines[to].OrderNo == lines[to - 1].OrderNo) to--;
            await using var scope = host.Scope();
            var result = await scope.ServiceProvider.GetRequiredService<PostQuickOutbound>().FromApiAsync(new QuickOutboundInput(world.ThirdParty, lines[from..to]), ct);
            if (result.Unmatched.Count > 0) throw new InvalidOperationException($"The third-party report left {result.Unmatched.Count} lines, e.g. {result.Unmatched[0].Message}");
            shipped += result.OrdersShipped;
            from = to;
        }
        return shipped;
    }

    private static async Task<int> WriteBackAsync(BenchHost host, int expected, CancellationToken ct)
    {
        var idle = Stopwatch.StartNew();
        while (true)
        {
            SendRun run;
            await using (var scope = host.Scope())
                run = await scope.ServiceProvider.GetRequiredService<SendConfirmations>().SendDueAsync("bench", 10_000, ct);
            if (run.Rejected > 0) throw new InvalidOperationException($"{run.Rejected} write-backs were refused.");
            if (run.Sent > 0)
            {
                idle.Restart();
                continue;
            }
            await using var db = host.OpenTenant();
            var states = await db.Set<ShipmentConfirmation>().GroupBy(c => c.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
            var accepted = states.Where(s => s.Key == ConfirmationState.Accepted).Sum(s => s.Count);
            if (accepted >= expected && states.All(s => s.Key == ConfirmationState.Accepted)) return accepted;
            if (idle.Elapsed > TimeSpan.FromMinutes(10))
                throw new InvalidOperationException($"Write-back stopped: {string.Join(", ", states.Select(s => $"{s.Key} {s.Count}"))} of {expected:N0}.");
            // Failed sends wait out their back-off (a platform fault): look again in a second.
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    /// <summary>Every order shipped, the ledger verified, and the sandbox holding exactly one accepted confirmation per order, with its number.</summary>
    private static async Task CheckAsync(BenchHost host, SandboxProcess sandbox, World world, int expected, CancellationToken ct)
    {
        await using var db = host.OpenTenant();
        var notShipped = await db.Set<Order>().CountAsync(o => o.Status != OrderStatus.Shipped, ct);
        if (notShipped > 0) throw new InvalidOperationException($"{notShipped} orders did not ship.");
        var drifts = await new Shelfbook.Inventory.Features.Verify.StockVerification(db).RunAsync(ct);
        if (drifts.Count > 0) throw new InvalidOperationException("The ledger drifted: " + drifts[0]);
        foreach (var shop in world.Shops)
        {
            var received = await sandbox.GetAsync<List<Shelfbook.Sandbox.ReceivedConfirmation>>($"/_sandbox/received?platform={shop.Platform}&seller={shop.Seller}", ct);
            var accepted = received.Where(r => r.Accepted).ToList();
            var once = accepted.Select(r => r.OrderId).Distinct().Count();
            if (once != shop.Orders || accepted.Count != shop.Orders)
                throw new InvalidOperationException($"Shop {shop.Seller}: the platform accepted {accepted.Count} confirmations for {once} of its {shop.Orders} orders.");
            var numbers = (await db.Set<Order>().Where(o => o.ShopId == shop.Id).Select(o => new { o.PlatformOrderNo, o.TrackingNo }).ToListAsync(ct))
                .ToDictionary(o => o.PlatformOrderNo ?? "", o => o.TrackingNo, StringComparer.Ordinal);
            if (accepted.FirstOrDefault(r => numbers.GetValueOrDefault(r.OrderId) != r.TrackingNo) is { } wrong)
                throw new InvalidOperationException($"Platform order {wrong.OrderId} was confirmed with {wrong.TrackingNo}, shipped with {numbers.GetValueOrDefault(wrong.OrderId) ?? "nothing"}.");
        }
    }

    /// <summary>The sandbox as its own process (<c>dotnet Shelfbook.Sandbox.dll</c>), driven through its control API.</summary>
    private sealed class SandboxProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly HttpClient _client;

        private SandboxProcess(Process process, Uri url)
        {
            (_process, Url) = (process, url);
            _client = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(5) };
        }

        public Uri Url { get; }

        public static async Task<SandboxProcess> StartAsync(CancellationToken ct)
        {
            var port = FreePort();
            var dll = Path.Combine(AppContext.BaseDirectory, "Shelfbook.Sandbox.dll");
            var process = Process.Start(new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Default=Warning"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
                // Server GC: the sandbox answers twenty shops at once.
                Environment = { ["DOTNET_gcServer"] = "1" },
            }) ?? throw new InvalidOperationException("The sandbox did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var sandbox = new SandboxProcess(process, new Uri($"http://127.0.0.1:{port}"));
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                if (process.HasExited) throw new InvalidOperationException($"The sandbox exited with {process.ExitCode} as it started.");
                try
                {
                    using var answer = await sandbox._client.GetAsync(new Uri("/_sandbox/received?platform=none", UriKind.Relative), ct);
                    if (answer.IsSuccessStatusCode) return sandbox;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(200, ct);
            }
            await sandbox.DisposeAsync();
            throw new TimeoutException("The sandbox did not answer within a minute.");
        }

        public async Task PostAsync(string path, object body, CancellationToken ct)
        {
            using var answer = await _client.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, ct);
            if (!answer.IsSuccessStatusCode) throw new InvalidOperationException($"The sandbox answered {path} with {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync(ct)}");
        }

        public async Task<T> GetAsync<T>(string path, CancellationToken ct) =>
            await _client.GetFromJsonAsync<T>(new Uri(path, UriKind.Relative), ct) ?? throw new InvalidOperationException($"The sandbox answered {path} with nothing.");

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }
    }
}
