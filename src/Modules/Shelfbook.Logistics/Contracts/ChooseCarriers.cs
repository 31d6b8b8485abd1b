using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Contracts;

/// <summary>
/// A parcel to ship: an audited order from its warehouse to its destination, its estimated weight (grams, from the SKUs)
/// and volume (mm³), and the carrier a rule or a person fixed for it, if any.
/// </summary>
public sealed record ParcelToShip(Guid OrderId, Guid WarehouseId, Guid? ShopId, string? Country, string? Province, long Paid, long WeightGrams, long VolumeMm3,
    string? CarrierCode = null);

/// <summary>
/// The service chosen for a parcel and its estimated freight (minor units of <see cref="Currency"/>), the weight charged
/// (the heavier of actual and volumetric) and what decided it (<c>rule:&lt;name&gt;</c>, <c>cheapest</c>, <c>fixed</c>);
/// or no service, with <see cref="Problem"/> saying why (<c>no_service</c>, <c>unknown_carrier</c>). A fixed carrier with no
/// rate for the parcel keeps the carrier with no freight (<see cref="Problem"/> <c>no_rate</c>).
/// </summary>
public sealed record CarrierChoice(Guid OrderId, Guid? ServiceId, string? CarrierCode, string? ServiceName, long? Freight, string? Currency, long ChargeableGrams,
    string? ChosenBy, string? Problem);

/// <summary>物流选择: the carrier service and estimated freight of each parcel, in one call for any number of parcels.</summary>
public interface IChooseCarriers
{
    Task<IReadOnlyList<CarrierChoice>> ChooseAsync(IReadOnlyList<ParcelToShip> parcels, CancellationToken ct);
}

/// <summary>What other modules may know of a carrier.</summary>
public sealed class CarrierSummary
{
    public Guid Id { get; init; }
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public bool CrossBorder { get; init; }
    public bool Active { get; init; }
}

/// <summary>What other modules may know of a carrier's service.</summary>
public sealed class CarrierServiceSummary
{
    public Guid Id { get; init; }
    public Guid CarrierId { get; init; }
    public string CarrierCode { get; init; } = "";
    public string CarrierName { get; init; } = "";
    public string Code { get; init; } = "";
    public string Name { get; init; } = "";
    public bool Active { get; init; }
}

public static class CarrierQueries
{
    public static IQueryable<CarrierSummary> Summaries(TenantDbContext db) =>
        db.Set<Carrier>().AsNoTracking().Select(c => new CarrierSummary { Id = c.Id, Code = c.Code, Name = c.Name, CrossBorder = c.CrossBorder, Active = c.Active });

    public static IQueryable<CarrierServiceSummary> Services(TenantDbContext db) =>
        from s in db.Set<CarrierService>().AsNoTracking()
        join c in db.Set<Carrier>().AsNoTracking() on s.CarrierId equals c.Id
        select new CarrierServiceSummary
        {
            Id = s.Id, CarrierId = c.Id, CarrierCode = c.Code, CarrierName = c.Name, Code = s.Code, Name = s.Name, Active = s.Active && c.Active,
        };
}
