using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Domain;

namespace Shelfbook.Logistics.Features.ManageCarriers;

/// <summary>A service as edited with its carrier: <see cref="Id"/> names one kept, none a new one.</summary>
public sealed record CarrierServiceInput(Guid? Id, string? Code, string? Name, int? VolumetricDivisor, List<Guid>? WarehouseIds, bool? Active);

public sealed record CarrierInput(string? Code, string? Name, bool? CrossBorder, bool? Active, List<CarrierServiceInput>? Services);

public sealed record CarrierServiceView(Guid Id, string Code, string Name, int? VolumetricDivisor, IReadOnlyList<Guid> WarehouseIds, bool Active, int RateTables);

public sealed record CarrierView(Guid Id, string Code, string Name, bool CrossBorder, bool Active, IReadOnlyList<CarrierServiceView> Services, DateTime UpdatedAt);

/// <summary>A warehouse the editors offer.</summary>
public sealed record WarehouseChoice(Guid Id, string Code, string Name, bool Active);

/// <summary>
/// 物流方式: the tenant's carriers and, with each, its services and the warehouses that ship with them. A service left
/// out of the list when saving is removed with its rate tables; one named by id is changed in place.
/// </summary>
public sealed class ManageCarriers(TenantDbContext db)
{
    public const int MaxServices = 50;

    public async Task<IReadOnlyList<CarrierView>> ListAsync(CancellationToken ct)
    {
        var carriers = await db.Set<Carrier>().AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct);
        var services = await db.Set<CarrierService>().AsNoTracking().ToListAsync(ct);
        var tables = await db.Set<RateTable>().AsNoTracking().GroupBy(t => t.ServiceId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var servicesOf = services.ToLookup(s => s.CarrierId);
        return carriers.Select(c => View(c, servicesOf[c.Id], tables)).ToList();
    }

    public async Task<IReadOnlyList<WarehouseChoice>> WarehousesAsync(CancellationToken ct) =>
        await WarehouseQueries.Summaries(db).OrderBy(w => w.Code).Select(w => new WarehouseChoice(w.Id, w.Code, w.Name, w.Active)).ToListAsync(ct);

    public async Task<CarrierView> GetAsync(Guid id, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(c => c.Id == id) ?? throw new NotFoundException("carrier", id);

    public async Task<CarrierView> CreateAsync(CarrierInput input, CancellationToken ct)
    {
        var carrier = new Carrier();
        await ApplyAsync(carrier, input, [], ct);
        return await GetAsync(carrier.Id, ct);
    }

    public async Task<CarrierView> UpdateAsync(Guid id, CarrierInput input, CancellationToken ct)
    {
        var carrier = await db.Set<Carrier>().SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("carrier", id);
        var services = await db.Set<CarrierService>().Where(s => s.CarrierId == id).ToListAsync(ct);
        await ApplyAsync(carrier, input, services, ct);
        return await GetAsync(carrier.Id, ct);
    }

    /// <summary>Removes the carrier with its services and their rate tables.</summary>
    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var carrier = await db.Set<Carrier>().SingleOrDefaultAsync(c => c.Id == id, ct) ?? throw new NotFoundException("carrier", id);
        var services = await db.Set<CarrierService>().Where(s => s.CarrierId == id).ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RemoveServicesAsync(services, ct);
        db.Remove(carrier);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    private async Task RemoveServicesAsync(List<CarrierService> services, CancellationToken ct)
    {
        var ids = services.Select(s => s.Id).ToList();
        db.RemoveRange(await db.Set<RateTable>().Where(t => ids.Contains(t.ServiceId)).ToListAsync(ct));
        db.RemoveRange(services);
    }

    /// <summary>Checks every field (services as <c>services[i].field</c>) before anything changes.</summary>
    private async Task ApplyAsync(Carrier carrier, CarrierInput input, List<CarrierService> existing, CancellationToken ct)
    {
        var check = new InputCheck();
        var code = check.Required("code", input.Code, Carrier.CodeMax);
        if (code.Length > 0 && !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            check.Add("code", "invalid_code", "A carrier code has letters, digits, '-' and '_' only.");
        var normalized = code.ToUpperInvariant();
        if (code.Length > 0 && await db.Set<Carrier>().AnyAsync(c => c.NormalizedCode == normalized && c.Id != carrier.Id, ct))
            check.Add("code", "duplicate", $"Another carrier has the code {code}.", code);
        var name = check.Required("name", input.Name, Carrier.NameMax);
        var inputs = input.Services ?? [];
        if (inputs.Count > MaxServices) check.Add("services", "too_many_services", $"At most {MaxServices} services per carrier.", MaxServices);
        var warehouses = await WarehouseQueries.Summaries(db).Select(w => w.Id).ToListAsync(ct);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parsed = new List<(CarrierServiceInput Input, string Code, string Name, List<Guid> Warehouses)>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var s = inputs[i] ?? new CarrierServiceInput(null, null, null, null, null, null);
            var at = $"services[{i}].";
            var serviceCode = check.Required(at + "code", s.Code, CarrierService.CodeMax);
            if (serviceCode.Length > 0 && !seen.Add(serviceCode)) check.Add(at + "code", "duplicate", $"The service code {serviceCode} is given twice.", serviceCode);
            var serviceName = check.Required(at + "name", s.Name, CarrierService.NameMax);
            if (s.VolumetricDivisor is < 1000 or > 20000)
                check.Add(at + "volumetricDivisor", "out_of_range", "The volumetric divisor must be 1000–20000 (cm³ per kg).", 1000, 20000);
            if (s.Id is { } sid && existing.All(e => e.Id != sid)) check.Add(at + "id", "unknown", $"This carrier has no service {sid}.", sid);
            var ws = s.WarehouseIds?.Distinct().ToList() ?? [];
            foreach (var missing in ws.Except(warehouses)) check.Add(at + "warehouseIds", "unknown", $"No warehouse {missing}.", missing);
            parsed.Add((s, serviceCode, serviceName, ws));
        }
        check.ThrowIfAny();

        var now = db.Time.StoredUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Entry(carrier).State == EntityState.Detached) db.Add(carrier);
        (carrier.Code, carrier.NormalizedCode, carrier.Name) = (code, normalized, name);
        (carrier.CrossBorder, carrier.Active, carrier.UpdatedAt) = (input.CrossBorder ?? carrier.CrossBorder, input.Active ?? carrier.Active, now);
        var kept = parsed.Where(p => p.Input.Id is not null).Select(p => p.Input.Id!.Value).ToHashSet();
        var gone = existing.Where(e => !kept.Contains(e.Id)).ToList();
        await RemoveServicesAsync(gone, ct);
        // Codes may move between services in one save: the removed ones go first so that the unique key holds.
        if (gone.Count > 0) await db.SaveChangesAsync(ct);
        for (var i = 0; i < parsed.Count; i++)
        {
            var (s, serviceCode, serviceName, ws) = parsed[i];
            var service = s.Id is { } sid ? existing.Single(e => e.Id == sid) : db.Add(new CarrierService { CarrierId = carrier.Id }).Entity;
            (service.Code, service.Name, service.VolumetricDivisor, service.WarehouseIds) = (serviceCode, serviceName, s.VolumetricDivisor, ws);
            (service.Active, service.Position, service.UpdatedAt) = (s.Active ?? service.Active, i, now);
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another save took the code between the check and the write, or services swapped codes in one save.
            throw new InputRejectedException("code", "duplicate", $"Another carrier or service has the code {code}.", code);
        }
        await tx.CommitAsync(ct);
    }

    private static CarrierView View(Carrier c, IEnumerable<CarrierService> services, Dictionary<Guid, int> tables) => new(c.Id, c.Code, c.Name, c.CrossBorder, c.Active,
        services.OrderBy(s => s.Position).Select(s => new CarrierServiceView(s.Id, s.Code, s.Name, s.VolumetricDivisor, s.WarehouseIds, s.Active, tables.GetValueOrDefault(s.Id)))
            .ToList(), c.UpdatedAt);
}
