using Shelfbook.Logistics.Contracts;
using Shelfbook.Logistics.Domain;
using Shelfbook.Logistics.Features.ChooseCarriers;

namespace Shelfbook.Logistics.Tests.Features;

/// <summary>Pricing and choosing in memory: first weight and steps, minimum, maximum, volume, zones, rules, a wanted carrier.</summary>
public sealed class FreightBookTests
{
    private static readonly Guid Shanghai = Guid.NewGuid(), Guangzhou = Guid.NewGuid();

    private readonly Carrier _sf = new() { Code = "SF", Name = "顺丰" }, _zto = new() { Code = "ZTO", Name = "中通" }, _fpx = new() { Code = "4PX", Name = "递四方", CrossBorder = true };
    private readonly CarrierService _sfStd, _ztoStd, _fpxLine;
    private readonly List<RateTable> _tables = [];
    private readonly List<RateZone> _zones = [];

    public FreightBookTests()
    {
        _sfStd = new CarrierService { CarrierId = _sf.Id, Code = "STD", Name = "顺丰标快" };
        _ztoStd = new CarrierService { CarrierId = _zto.Id, Code = "STD", Name = "中通快递", WarehouseIds = [Shanghai] };
        _fpxLine = new CarrierService { CarrierId = _fpx.Id, Code = "LYT", Name = "联邮通", VolumetricDivisor = 6000 };
        Table(_sfStd, null, Zone(["上海", "江苏"], 1000, 1200, 1000, 200), Zone(["新疆"], 1000, 2300, 1000, 1500), Zone(["CN"], 1000, 1600, 1000, 500));
        Table(_ztoStd, null, Zone(["上海", "江苏"], 1000, 450, 1000, 100), Zone(["CN"], 1000, 600, 1000, 300, maxGrams: 5000));
        // From Guangzhou the courier has its own, dearer table.
        Table(_sfStd, Guangzhou, Zone(["CN"], 1000, 2000, 500, 300, minCharge: 2500));
        Table(_fpxLine, null, Zone(["US"], 100, 2500, 100, 900), Zone(["*"], 100, 3000, 100, 1100, maxGrams: 2000));
    }

    private static RateZone Zone(string[] to, int first, long firstPrice, int step, long stepPrice, long minCharge = 0, int? maxGrams = null) =>
        new() { Name = string.Join("、", to), Destinations = [.. to], FirstGrams = first, FirstPrice = firstPrice, StepGrams = step, StepPrice = stepPrice, MinCharge = minCharge, MaxGrams = maxGrams };

    private void Table(CarrierService service, Guid? warehouse, params RateZone[] zones)
    {
        var table = new RateTable { ServiceId = service.Id, WarehouseId = warehouse, Name = service.Name };
        _tables.Add(table);
        for (var i = 0; i < zones.Length; i++) (zones[i].TableId, zones[i].Position) = (table.Id, i);
        _zones.AddRange(zones);
    }

    private FreightBook Book(params CarrierRule[] rules) => new([_sf, _zto, _fpx], [_sfStd, _ztoStd, _fpxLine], _tables, _zones, [.. rules]);

    private static ParcelToShip Parcel(long grams, string? province = "江苏省", string? country = null, Guid? warehouse = null, long volume = 0, string? carrier = null, long paid = 10_000) =>
        new(Guid.NewGuid(), warehouse ?? Shanghai, null, country, province, paid, grams, volume, carrier);

    [Theory]
    [InlineData(0, 1200)]
    [InlineData(1000, 1200)]
    [InlineData(1001, 1400)]
    [InlineData(2000, 1400)]
    [InlineData(3500, 1800)]
    public void A_zone_charges_the_first_weight_then_every_further_step_or_part_of_one(long grams, long expected) =>
        Assert.Equal(expected, Book().Quote(_sfStd, Parcel(grams)).Freight);

    [Fact]
    public void The_most_specific_zone_wins_and_a_warehouse_with_its_own_table_uses_it_with_its_minimum_charge()
    {
        var book = Book();
        Assert.Equal((1600L, "CN"), (book.Quote(_sfStd, Parcel(1000, "广东省")).Freight!.Value, book.Quote(_sfStd, Parcel(1000, "广东省")).Zone!));
        Assert.Equal(2300, book.Quote(_sfStd, Parcel(800, "新疆维吾尔自治区")).Freight);
        // Guangzhou: 1,000 g for 20.00 is below the 25.00 minimum; 1,600 g is 20.00 + 2 × 3.00.
        Assert.Equal(2500, book.Quote(_sfStd, Parcel(1000, "上海市", warehouse: Guangzhou)).Freight);
        Assert.Equal(2600, book.Quote(_sfStd, Parcel(1600, "上海市", warehouse: Guangzhou)).Freight);
    }

    [Fact]
    public void A_service_not_offered_at_the_warehouse_too_heavy_or_without_a_zone_says_why()
    {
        var book = Book();
        Assert.Equal("not_offered", book.Quote(_ztoStd, Parcel(500, warehouse: Guangzhou)).Problem);
        Assert.Equal("too_heavy", book.Quote(_ztoStd, Parcel(6000, "广东省")).Problem);
        Assert.Equal("no_rate", book.Quote(_ztoStd, Parcel(500, null, country: "US")).Problem);
        _ztoStd.Active = false;
        Assert.Equal("inactive", Book().Quote(_ztoStd, Parcel(500)).Problem);
    }

    [Fact]
    public void A_cross_border_service_charges_the_heavier_of_actual_and_volumetric_weight()
    {
        // 30 × 20 × 10 cm = 6,000,000 mm³ ÷ 6000 = 1,000 g volumetric against 300 g actual: ten 100 g steps.
        var quote = Book().Quote(_fpxLine, Parcel(300, null, country: "us", volume: 300L * 200 * 100));
        Assert.Equal((1000L, 2500L + 9 * 900), (quote.ChargeableGrams, quote.Freight!.Value));
        Assert.Equal(3000, Book().Quote(_fpxLine, Parcel(100, null, country: "JP")).Freight);
        Assert.Equal("too_heavy", Book().Quote(_fpxLine, Parcel(2500, null, country: "JP")).Problem);
    }

    [Fact]
    public void Without_rules_the_cheapest_service_that_can_take_the_parcel_is_chosen()
    {
        var book = Book();
        Assert.Equal(("ZTO", 450L, "cheapest"), Pick(book.Choose(Parcel(900))));
        // Guangzhou does not ship with ZTO; over ZTO's 5 kg the courier takes it.
        Assert.Equal(("SF", 2500L, "cheapest"), Pick(book.Choose(Parcel(900, warehouse: Guangzhou))));
        Assert.Equal(("SF", 1600L + 5 * 500, "cheapest"), Pick(book.Choose(Parcel(6000, "广东省"))));
        Assert.Equal(("4PX", 2500L, "cheapest"), Pick(book.Choose(Parcel(100, null, country: "US"))));
        var none = book.Choose(Parcel(3000, null, country: "JP"));
        Assert.Equal((null, "no_service"), (none.ServiceId, none.Problem));
    }

    [Fact]
    public void The_first_matching_rule_decides_by_its_strategy_and_a_rule_whose_services_cannot_take_it_chooses_none()
    {
        var remote = new CarrierRule { Name = "偏远走顺丰", Priority = 1, Destinations = ["新疆", "西藏"], ServiceIds = [_sfStd.Id], Strategy = CarrierStrategy.FirstQualifying };
        var heavy = new CarrierRule { Name = "重货", Priority = 2, WeightMin = 3000, ServiceIds = [_ztoStd.Id, _sfStd.Id], Strategy = CarrierStrategy.FirstQualifying };
        var dear = new CarrierRule { Name = "高价单", Priority = 3, PaidMin = 100_000, ServiceIds = [_sfStd.Id, _ztoStd.Id], Strategy = CarrierStrategy.Cheapest };
        var book = Book(remote, heavy, dear);
        Assert.Equal(("SF", 2300L, "rule:偏远走顺丰"), Pick(book.Choose(Parcel(500, "新疆维吾尔自治区"))));
        Assert.Equal(("ZTO", 450L + 3 * 100, "rule:重货"), Pick(book.Choose(Parcel(3500))));
        Assert.Equal(("SF", 1600L + 5 * 500, "rule:重货"), Pick(book.Choose(Parcel(6000, "广东省"))));
        Assert.Equal(("ZTO", 450L, "rule:高价单"), Pick(book.Choose(Parcel(500, paid: 150_000))));
        Assert.Equal(("ZTO", 450L, "cheapest"), Pick(book.Choose(Parcel(500))));
        remote.Active = false;
        Assert.Equal(("ZTO", 600L, "cheapest"), Pick(Book(remote, heavy, dear).Choose(Parcel(500, "新疆维吾尔自治区"))));
    }

    [Fact]
    public void A_wanted_carrier_is_kept_even_without_a_rate_and_an_unknown_one_chooses_nothing()
    {
        var book = Book();
        Assert.Equal(("SF", 1200L, "fixed"), Pick(book.Choose(Parcel(900, carrier: "sf"))));
        var unpriced = book.Choose(Parcel(900, null, country: "US", carrier: "SF"));
        Assert.Equal(("SF", (long?)null, "no_rate"), (unpriced.CarrierCode, unpriced.Freight, unpriced.Problem));
        Assert.NotNull(unpriced.ServiceId);
        Assert.Equal("unknown_carrier", book.Choose(Parcel(900, carrier: "EMS")).Problem);
    }

    private static (string?, long?, string?) Pick(CarrierChoice c) => (c.CarrierCode, c.Freight, c.ChosenBy);
}
