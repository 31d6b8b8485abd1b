using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics;

/// <summary>The demo tenant's carriers: two domestic couriers and one cross-border line, priced from every warehouse, and one rule.</summary>
internal static class DemoCarriers
{
    private static readonly string[] Near = ["上海", "江苏", "浙江", "安徽"];
    private static readonly string[] Remote = ["新疆", "西藏", "青海", "内蒙古", "宁夏", "甘肃"];

    public static async Task SeedAsync(TenantDbContext db, CancellationToken ct)
    {
        var now = db.Time.StoredUtcNow();
        var sf = Carrier("SF", "顺丰速运", false, now);
        var zto = Carrier("ZTO", "中通快递", false, now);
        var fpx = Carrier("4PX", "递四方", true, now);
        var sfStandard = Service(sf, "STD", "顺丰标快", 0, null, now);
        var sfExpress = Service(sf, "EXP", "顺丰特快", 1, null, now);
        var ztoStandard = Service(zto, "STD", "中通标准快递", 0, null, now);
        var fpxLine = Service(fpx, "LYT", "联邮通优先", 0, 6000, now);
        db.AddRange(sf, zto, fpx, sfStandard, sfExpress, ztoStandard, fpxLine);
        Table(db, sfStandard, now, Zone("江浙沪皖", Near, 1000, 1200, 1000, 200), Zone("偏远", Remote, 1000, 2300, 1000, 1500), Zone("全国", ["CN"], 1000, 1600, 1000, 500));
        Table(db, sfExpress, now, Zone("江浙沪皖", Near, 1000, 1800, 1000, 400), Zone("偏远", Remote, 1000, 3000, 1000, 2000), Zone("全国", ["CN"], 1000, 2300, 1000, 800));
        Table(db, ztoStandard, now, Zone("江浙沪皖", Near, 1000, 450, 1000, 100), Zone("偏远", Remote, 1000, 1500, 1000, 1000), Zone("全国", ["CN"], 1000, 600, 1000, 300));
        Table(db, fpxLine, now, Zone("北美", ["US", "CA"], 100, 2500, 100, 900, 3000, 30_000), Zone("欧洲", ["GB", "DE", "FR", "IT", "ES", "NL"], 100, 2200, 100, 800, 3000, 30_000),
            Zone("其他", ["*"], 100, 3000, 100, 1100, 3000, 20_000));
        db.Add(new CarrierRule
        {
            Name = "偏远地区走顺丰", Priority = 10, Destinations = [.. Remote], ServiceIds = [sfStandard.Id], Strategy = CarrierStrategy.FirstQualifying, UpdatedAt = now,
        });
        await db.SaveChangesAsync(ct);
    }

    private static Carrier Carrier(string code, string name, bool crossBorder, DateTime now) =>
        new() { Code = code, NormalizedCode = code.ToUpperInvariant(), Name = name, CrossBorder = crossBorder, UpdatedAt = now };

    private static CarrierService Service(Carrier carrier, string code, string name, int position, int? divisor, DateTime now) =>
        new() { CarrierId = carrier.Id, Code = code, Name = name, Position = position, VolumetricDivisor = divisor, UpdatedAt = now };

    private static RateZone Zone(string name, string[] destinations, int firstGrams, long firstPrice, int stepGrams, long stepPrice, long minCharge = 0, int? maxGrams = 50_000) =>
        new() { Name = name, Destinations = [.. destinations], FirstGrams = firstGrams, FirstPrice = firstPrice, StepGrams = stepGrams, StepPrice = stepPrice, MinCharge = minCharge, MaxGrams = maxGrams };

    private static void Table(TenantDbContext db, CarrierService service, DateTime now, params RateZone[] zones)
    {
        var table = new RateTable { ServiceId = service.Id, Name = service.Name, UpdatedAt = now };
        db.Add(table);
        for (var i = 0; i < zones.Length; i++) (zones[i].TableId, zones[i].Position) = (table.Id, i);
        db.AddRange(zones);
    }
}
