using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Features.ChooseCarriers;

/// <summary>One service's price for a parcel, or why it cannot take it (<c>not_offered</c>, <c>no_rate</c>, <c>too_heavy</c>, <c>inactive</c>).</summary>
public sealed record ServiceQuote(Guid ServiceId, string CarrierCode, string CarrierName, string ServiceCode, string ServiceName, long? Freight, string? Currency,
    long ChargeableGrams, string? Zone, string? Problem);

/// <summary>
/// The tenant's carriers, services, rate tables and carrier rules, read once and held in memory, so that pricing and
/// choosing for any number of parcels costs no further round trip.
/// </summary>
public sealed class FreightBook
{
    private readonly Dictionary<Guid, Carrier> _carriers;
    private readonly List<CarrierService> _services;
    private readonly ILookup<Guid, RateTable> _tablesOf;
    private readonly ILookup<Guid, RateZone> _zonesOf;
    private readonly List<CarrierRule> _rules;

    /// <summary>A book of the given rows (rules: the active ones by priority).</summary>
    public FreightBook(List<Carrier> carriers, List<CarrierService> services, List<RateTable> tables, List<RateZone> zones, List<CarrierRule> rules)
    {
        _carriers = carriers.ToDictionary(c => c.Id);
        _services = services.OrderBy(s => _carriers[s.CarrierId].Code, StringComparer.Ordinal).ThenBy(s => s.Position).ThenBy(s => s.Code, StringComparer.Ordinal).ToList();
        _tablesOf = tables.ToLookup(t => t.ServiceId);
        _zonesOf = zones.OrderBy(z => z.Position).ToLookup(z => z.TableId);
        _rules = rules;
    }

    public static async Task<FreightBook> LoadAsync(TenantDbContext db, CancellationToken ct) => new(
        await db.Set<Carrier>().AsNoTracking().ToListAsync(ct),
        await db.Set<CarrierService>().AsNoTracking().ToListAsync(ct),
        await db.Set<RateTable>().AsNoTracking().ToListAsync(ct),
        await db.Set<RateZone>().AsNoTracking().ToListAsync(ct),
        await db.Set<CarrierRule>().AsNoTracking().Where(r => r.Active).OrderBy(r => r.Priority).ThenBy(r => r.Name).ToListAsync(ct));

    /// <summary>Every service's price for the parcel, cheapest first, those that cannot take it last with the reason.</summary>
    public IReadOnlyList<ServiceQuote> QuoteAll(ParcelToShip parcel) =>
        _services.Select(s => Quote(s, parcel)).OrderBy(q => q.Freight is null).ThenBy(q => q.Freight).ToList();

    public ServiceQuote Quote(CarrierService service, ParcelToShip parcel)
    {
        var carrier = _carriers[service.CarrierId];
        var chargeable = Math.Max(parcel.WeightGrams, service.VolumetricDivisor is { } d && d > 0 ? (parcel.VolumeMm3 + d - 1) / d : 0);
        ServiceQuote Refused(string problem) => new(service.Id, carrier.Code, carrier.Name, service.Code, service.Name, null, null, chargeable, null, problem);
        if (!service.Active || !carrier.Active) return Refused("inactive");
        if (!service.OfferedAt(parcel.WarehouseId)) return Refused("not_offered");
        // The warehouse's own table, else the service's table for every warehouse.
        var table = _tablesOf[service.Id].FirstOrDefault(t => t.WarehouseId == parcel.WarehouseId) ?? _tablesOf[service.Id].FirstOrDefault(t => t.WarehouseId is null);
        if (table is null) return Refused("no_rate");
        var country = Destination.CountryOf(parcel.Country);
        var zone = _zonesOf[table.Id].Select(z => (Zone: z, Score: z.Covers(country, parcel.Province))).Where(z => z.Score > 0)
            .OrderByDescending(z => z.Score).Select(z => z.Zone).FirstOrDefault();
        if (zone is null) return Refused("no_rate");
        return zone.Charge(chargeable) is { } freight
            ? new ServiceQuote(service.Id, carrier.Code, carrier.Name, service.Code, service.Name, freight, table.Currency, chargeable, zone.Name, null)
            : Refused("too_heavy") with { Zone = zone.Name };
    }

    /// <summary>
    /// The service for a parcel: a fixed carrier's cheapest service that can take it (or, with no rate, its first service
    /// offered at the warehouse, freight unknown); else the first matching rule's choice; else the cheapest of all.
    /// </summary>
    public CarrierChoice Choose(ParcelToShip parcel)
    {
        CarrierChoice Chosen(ServiceQuote q, string by) => new(parcel.OrderId, q.ServiceId, q.CarrierCode, q.ServiceName, q.Freight, q.Currency, q.ChargeableGrams, by, null);
        CarrierChoice None(string problem) => new(parcel.OrderId, null, parcel.CarrierCode, null, null, null, parcel.WeightGrams, null, problem);

        if (parcel.CarrierCode is { Length: > 0 } code)
        {
            var own = _services.Where(s => string.Equals(_carriers[s.CarrierId].Code, code, StringComparison.OrdinalIgnoreCase)).ToList();
            if (own.Count == 0) return None("unknown_carrier");
            var quotes = own.Select(s => Quote(s, parcel)).ToList();
            if (quotes.Where(q => q.Freight is not null).MinBy(q => q.Freight) is { } best) return Chosen(best, "fixed");
            // The seller wants this carrier even without a price for the parcel: keep it, freight unknown.
            return quotes.FirstOrDefault(q => q.Problem is "no_rate" or "too_heavy") is { } unpriced
                ? Chosen(unpriced, "fixed") with { Problem = unpriced.Problem }
                : None("no_service");
        }
        var country = Destination.CountryOf(parcel.Country);
        var rule = _rules.FirstOrDefault(r => r.Matches(parcel.WarehouseId, parcel.ShopId, country, parcel.Province, parcel.WeightGrams, parcel.Paid));
        var candidates = rule is null || rule.ServiceIds.Count == 0
            ? _services
            : rule.ServiceIds.Select(id => _services.FirstOrDefault(s => s.Id == id)).Where(s => s is not null).Select(s => s!).ToList();
        var priced = candidates.Select(s => Quote(s, parcel)).Where(q => q.Freight is not null).ToList();
        var by = rule is null ? "cheapest" : "rule:" + rule.Name;
        var pick = rule?.Strategy == CarrierStrategy.FirstQualifying ? priced.FirstOrDefault() : priced.MinBy(q => q.Freight);
        return pick is null ? None("no_service") : Chosen(pick, by);
    }
}

/// <summary>The <see cref="IChooseCarriers"/> of the module: the book read once per call, every parcel chosen in memory.</summary>
public sealed class ChooseCarriers(TenantDbContext db) : IChooseCarriers
{
    public async Task<IReadOnlyList<CarrierChoice>> ChooseAsync(IReadOnlyList<ParcelToShip> parcels, CancellationToken ct)
    {
        if (parcels.Count == 0) return [];
        var book = await FreightBook.LoadAsync(db, ct);
        return parcels.Select(book.Choose).ToList();
    }
}
