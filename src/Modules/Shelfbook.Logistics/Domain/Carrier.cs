using Shelfbook.Data.Audit;

namespace Shelfbook.Logistics.Domain;

/// <summary>快递公司 / 物流商: a carrier the seller has an account with (顺丰, 中通, 4PX …).</summary>
[Audited(AuditCategory.System, "carrier", Ignore = [nameof(NormalizedCode), nameof(UpdatedAt)])]
public sealed class Carrier
{
    public const int CodeMax = 32;
    public const int NameMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The code orders carry (<c>SF</c>, <c>ZTO</c>): unique per tenant in any letter case.</summary>
    public string Code { get; set; } = "";

    public string NormalizedCode { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>跨境: the carrier's services take parcels abroad (their rates are by country).</summary>
    public bool CrossBorder { get; set; }

    public bool Active { get; set; } = true;
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// 物流方式: one product of a carrier (顺丰标快, 顺丰特快, 4PX 联邮通), offered at some warehouses, priced by its rate
/// tables. A cross-border service usually charges by volume too: <see cref="VolumetricDivisor"/>.
/// </summary>
[Audited(AuditCategory.System, "carrier_service", Ignore = [nameof(UpdatedAt)])]
public sealed class CarrierService
{
    public const int CodeMax = 32;
    public const int NameMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid CarrierId { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";

    /// <summary>
    /// 体积重系数 in cm³ per kg (5000, 6000, 8000), or none: the volumetric weight in grams is then the parcel's volume in
    /// mm³ divided by it (cm³ ÷ divisor kg = mm³ ÷ 1000 ÷ divisor × 1000 g), and the heavier of the two is charged.
    /// </summary>
    public int? VolumetricDivisor { get; set; }

    /// <summary>The warehouses that ship with it; none listed: every warehouse.</summary>
    public List<Guid> WarehouseIds { get; set; } = [];

    public bool Active { get; set; } = true;
    public int Position { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool OfferedAt(Guid warehouseId) => WarehouseIds.Count == 0 || WarehouseIds.Contains(warehouseId);
}

/// <summary>
/// 运费模板: what a service charges from one warehouse (or from any warehouse without its own table), zone by zone.
/// </summary>
[Audited(AuditCategory.System, "rate_table", Ignore = [nameof(UpdatedAt)])]
public sealed class RateTable
{
    public const int NameMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ServiceId { get; set; }

    /// <summary>The warehouse it prices from; none: every warehouse the service ships from without a table of its own.</summary>
    public Guid? WarehouseId { get; set; }

    public string Name { get; set; } = "";
    public string Currency { get; set; } = "CNY";
    public DateTime UpdatedAt { get; set; }
}

/// <summary>
/// One zone of a rate table: the destinations it covers and the price: the first <see cref="FirstGrams"/> for
/// <see cref="FirstPrice"/>, then <see cref="StepPrice"/> for every further <see cref="StepGrams"/> or part of them,
/// never less than <see cref="MinCharge"/>; a parcel over <see cref="MaxGrams"/> is not taken.
/// </summary>
public sealed class RateZone
{
    public const int NameMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid TableId { get; set; }
    public int Position { get; set; }
    public string Name { get; set; } = "";

    /// <summary>
    /// Where it goes: Chinese provinces (a prefix: 广东 covers 广东省), two-letter country codes (US, CN for the whole of
    /// China) and <c>*</c> for everywhere else. A province entry is more specific than a country, a country than <c>*</c>.
    /// </summary>
    public List<string> Destinations { get; set; } = [];

    public int FirstGrams { get; set; }
    public long FirstPrice { get; set; }
    public int StepGrams { get; set; }
    public long StepPrice { get; set; }
    public long MinCharge { get; set; }
    public int? MaxGrams { get; set; }

    /// <summary>The charge for <paramref name="grams"/> (chargeable weight), or null when this zone does not take it.</summary>
    public long? Charge(long grams)
    {
        if (MaxGrams is { } max && grams > max) return null;
        long price;
        if (grams <= FirstGrams) price = FirstPrice;
        else if (StepGrams <= 0) return null;
        else price = FirstPrice + (grams - FirstGrams + StepGrams - 1) / StepGrams * StepPrice;
        return Math.Max(price, MinCharge);
    }

    /// <summary>How well the zone covers the destination: 3 a province, 2 the country, 1 anywhere, 0 not at all.</summary>
    public int Covers(string country, string? province) => Destinations.Max(d => Destination.Match(d, country, province));
}

/// <summary>How a destination entry of a zone or a rule reads.</summary>
public static class Destination
{
    /// <summary>Orders with no country go to China.</summary>
    public static string CountryOf(string? country) => string.IsNullOrWhiteSpace(country) ? "CN" : country.Trim().ToUpperInvariant();

    public static bool IsCountryCode(string entry) => entry.Length == 2 && char.IsAsciiLetter(entry[0]) && char.IsAsciiLetter(entry[1]);

    /// <summary>3 when <paramref name="entry"/> names the province, 2 the country, 1 when it is <c>*</c>, else 0.</summary>
    public static int Match(string entry, string country, string? province)
    {
        if (entry == "*") return 1;
        if (IsCountryCode(entry)) return string.Equals(entry, country, StringComparison.OrdinalIgnoreCase) ? 2 : 0;
        return country == "CN" && province is { } p && p.StartsWith(entry, StringComparison.Ordinal) ? 3 : 0;
    }

    /// <summary>Whether any of the entries covers the destination (an empty list covers everywhere).</summary>
    public static bool AnyCovers(IReadOnlyCollection<string> entries, string country, string? province) =>
        entries.Count == 0 || entries.Any(e => Match(e, country, province) > 0);
}

public enum CarrierStrategy
{
    /// <summary>最便宜: of the rule's services that can take the parcel, the one with the lowest freight.</summary>
    Cheapest,

    /// <summary>按顺序: the first of the rule's services, in its order, that can take the parcel.</summary>
    FirstQualifying,
}

/// <summary>
/// 物流规则: which services an audited order may go with, tried by priority; the first rule whose conditions all hold
/// decides (warehouse, destination, weight band, shop, paid amount), choosing the cheapest of its services or the first
/// in its order. With no rule matching, the cheapest service that can take the parcel.
/// </summary>
[Audited(AuditCategory.Order, "carrier_rule", Ignore = [nameof(UpdatedAt)])]
public sealed class CarrierRule
{
    public const int NameMax = 100;

    public Guid Id { get; set; } = Guid.CreateVersion7();
    public int Priority { get; set; }
    public string Name { get; set; } = "";
    public bool Active { get; set; } = true;
    public List<Guid> WarehouseIds { get; set; } = [];
    public List<Guid> ShopIds { get; set; } = [];

    /// <summary>Provinces, country codes or <c>*</c>, read as a rate zone's destinations; none: anywhere.</summary>
    public List<string> Destinations { get; set; } = [];

    public int? WeightMin { get; set; }
    public int? WeightMax { get; set; }
    public long? PaidMin { get; set; }
    public long? PaidMax { get; set; }

    /// <summary>The services it allows, in order; none: every service.</summary>
    public List<Guid> ServiceIds { get; set; } = [];

    public CarrierStrategy Strategy { get; set; }
    public DateTime UpdatedAt { get; set; }

    public bool Matches(Guid warehouseId, Guid? shopId, string country, string? province, long grams, long paid) =>
        Active && (WarehouseIds.Count == 0 || WarehouseIds.Contains(warehouseId))
        && (ShopIds.Count == 0 || (shopId is { } shop && ShopIds.Contains(shop)))
        && Destination.AnyCovers(Destinations, country, province)
        && (WeightMin is not { } wmin || grams >= wmin) && (WeightMax is not { } wmax || grams <= wmax)
        && (PaidMin is not { } pmin || paid >= pmin) && (PaidMax is not { } pmax || paid <= pmax);
}
