using System.Globalization;
using System.Text.Json;
using Shelfbook.Data.Audit;
using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Inventory.Contracts;
using Shelfbook.Kernel;
using Shelfbook.Logistics.Contracts;
using Shelfbook.Logistics.Domain;
using Shelfbook.Logistics.Features.ChooseCarriers;
using Shelfbook.Platform.Spreadsheets;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Logistics.Features.RateTables;

/// <summary>A zone as typed: prices in minor units (fen), weights in grams.</summary>
public sealed record RateZoneInput(string? Name, List<string>? Destinations, int? FirstGrams, long? FirstPrice, int? StepGrams, long? StepPrice, long? MinCharge,
    int? MaxGrams);

public sealed record RateTableInput(Guid? ServiceId, Guid? WarehouseId, string? Name, string? Currency, List<RateZoneInput>? Zones);

public sealed record RateZoneView(string Name, IReadOnlyList<string> Destinations, int FirstGrams, long FirstPrice, int StepGrams, long StepPrice, long MinCharge, int? MaxGrams);

public sealed record RateTableView(Guid Id, Guid ServiceId, string CarrierCode, string CarrierName, string ServiceName, Guid? WarehouseId, string Name, string Currency,
    int ZoneCount, IReadOnlyList<RateZoneView>? Zones, DateTime UpdatedAt);

/// <summary>What an import did: the zones it put in place, or the rows at fault (then nothing changed).</summary>
public sealed record RateImportResult(int Zones, IReadOnlyList<RowError> Errors);

/// <summary>A freight question: from a warehouse to a destination, a weight (grams) and optionally a volume (mm³).</summary>
public sealed record QuoteRequest(Guid? WarehouseId, string? Country, string? Province, long? WeightGrams, long? VolumeMm3);

/// <summary>
/// 运费模板: a service's prices from a warehouse (or from any), zone by zone; typed in the page, or imported from xlsx
/// (one row per zone, replacing the table's zones whole, or nothing when a row is at fault). 运费试算 prices a parcel
/// with every service.
/// </summary>
public sealed class ManageRateTables(TenantDbContext db, CurrentUser user)
{
    public const int MaxZones = 500;

    public static readonly IReadOnlyList<SheetColumn> Columns =
    [
        new("name", "分区", "Zone", Required: true), new("destinations", "目的地", "Destinations", Required: true),
        new("firstGrams", "首重(克)", "First weight (g)", Required: true), new("firstPrice", "首重费用(元)", "First weight price", Required: true),
        new("stepGrams", "续重(克)", "Additional weight step (g)"), new("stepPrice", "续重费用(元)", "Additional step price"),
        new("minCharge", "最低收费(元)", "Minimum charge"), new("maxGrams", "最大重量(克)", "Maximum weight (g)"),
    ];

    public async Task<IReadOnlyList<RateTableView>> ListAsync(CancellationToken ct)
    {
        var tables = await db.Set<RateTable>().AsNoTracking().ToListAsync(ct);
        var counts = await db.Set<RateZone>().AsNoTracking().GroupBy(z => z.TableId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var services = await CarrierQueries.Services(db).ToDictionaryAsync(s => s.Id, ct);
        return tables.Select(t => View(t, services[t.ServiceId], counts.GetValueOrDefault(t.Id), null))
            .OrderBy(t => t.CarrierCode, StringComparer.Ordinal).ThenBy(t => t.ServiceName, StringComparer.Ordinal).ThenBy(t => t.WarehouseId is not null).ThenBy(t => t.Name)
            .ToList();
    }

    public async Task<RateTableView> GetAsync(Guid id, CancellationToken ct)
    {
        var table = await db.Set<RateTable>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("rate table", id);
        var zones = await db.Set<RateZone>().AsNoTracking().Where(z => z.TableId == id).OrderBy(z => z.Position).ToListAsync(ct);
        var service = await CarrierQueries.Services(db).SingleAsync(s => s.Id == table.ServiceId, ct);
        return View(table, service, zones.Count, zones.Select(ZoneView).ToList());
    }

    public async Task<RateTableView> CreateAsync(RateTableInput input, CancellationToken ct)
    {
        var table = new RateTable();
        await ApplyAsync(table, input, ct);
        return await GetAsync(table.Id, ct);
    }

    public async Task<RateTableView> UpdateAsync(Guid id, RateTableInput input, CancellationToken ct)
    {
        var table = await db.Set<RateTable>().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("rate table", id);
        await ApplyAsync(table, input, ct);
        return await GetAsync(table.Id, ct);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var table = await db.Set<RateTable>().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("rate table", id);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<RateZone>().Where(z => z.TableId == id).ExecuteDeleteAsync(ct);
        db.Remove(table);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Replaces the table's zones with the workbook's rows, or changes nothing and names every row at fault.</summary>
    public async Task<RateImportResult> ImportAsync(Guid id, Stream xlsx, CancellationToken ct)
    {
        var table = await db.Set<RateTable>().SingleOrDefaultAsync(t => t.Id == id, ct) ?? throw new NotFoundException("rate table", id);
        var errors = new List<RowError>();
        var zones = new List<RateZone>();
        foreach (var row in Workbooks.Read(xlsx, Columns))
        {
            if (zones.Count >= MaxZones)
            {
                errors.Add(new RowError(row.Number, "分区", "too_many_zones", $"A rate table has at most {MaxZones} zones."));
                break;
            }
            var check = new InputCheck();
            var input = new RateZoneInput(row.Text("name"), SplitDestinations(row.Text("destinations")), Workbooks.WholeNumber(row, "firstGrams", check, "firstGrams"),
                Workbooks.Money(row, "firstPrice", check, "firstPrice"), Workbooks.WholeNumber(row, "stepGrams", check, "stepGrams"),
                Workbooks.Money(row, "stepPrice", check, "stepPrice"), Workbooks.Money(row, "minCharge", check, "minCharge"),
                Workbooks.WholeNumber(row, "maxGrams", check, "maxGrams"));
            // A cell that did not parse is reported once, not again as missing.
            var unreadable = check.ToErrors().Select(e => e.Field).ToHashSet();
            var zone = Zone(input, "", check, zones.Count);
            foreach (var error in check.ToErrors().Where(e => !unreadable.Contains(e.Field) || e.Code is "not_a_number" or "not_money"))
                errors.Add(new RowError(row.Number, Columns.First(c => c.Field == error.Field).Chinese, error.Code, error.Message));
            zones.Add(zone);
        }
        if (zones.Count == 0 && errors.Count == 0) errors.Add(new RowError(1, "分区", "empty", "The workbook has no zones."));
        if (errors.Count > 0) return new RateImportResult(0, errors);
        await ReplaceZonesAsync(table, zones, ct);
        return new RateImportResult(zones.Count, []);
    }

    /// <summary>The table's zones as a workbook that imports back unchanged (the template when it has none).</summary>
    public async Task<byte[]> ExportAsync(Guid id, CancellationToken ct)
    {
        var table = await GetAsync(id, ct);
        var zones = table.Zones!.Count > 0 ? table.Zones
            : [new RateZoneView("华东", ["上海", "江苏", "浙江", "安徽"], 1000, 800, 1000, 200, 0, 50_000)];
        return Workbooks.Sheet(Columns, zones.Select(z => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["name"] = z.Name, ["destinations"] = string.Join("、", z.Destinations), ["firstGrams"] = z.FirstGrams, ["firstPrice"] = Yuan(z.FirstPrice),
            ["stepGrams"] = z.StepGrams, ["stepPrice"] = Yuan(z.StepPrice), ["minCharge"] = Yuan(z.MinCharge), ["maxGrams"] = z.MaxGrams,
        }));
    }

    /// <summary>运费试算: every service's freight for the parcel, cheapest first, those that cannot take it with the reason.</summary>
    public async Task<IReadOnlyList<ServiceQuote>> QuoteAsync(QuoteRequest request, CancellationToken ct)
    {
        var check = new InputCheck();
        if (request.WarehouseId is not { } warehouse) check.Add("warehouseId", "required", "Choose the warehouse it ships from.");
        else if (!await WarehouseQueries.Summaries(db).AnyAsync(w => w.Id == warehouse, ct)) check.Add("warehouseId", "unknown", $"No warehouse {warehouse}.", warehouse);
        if (request.WeightGrams is not (>= 0 and <= 10_000_000)) check.Add("weightGrams", "out_of_range", "The weight must be 0–10,000,000 g.", 0, 10_000_000);
        if (request.VolumeMm3 is < 0) check.Add("volumeMm3", "negative_volume", "The volume cannot be negative.");
        var country = request.Country?.Trim();
        if (country is { Length: > 0 } && !Destination.IsCountryCode(country)) check.Add("country", "not_country_code", "A country is a two-letter code (CN, US).");
        check.ThrowIfAny();
        var book = await FreightBook.LoadAsync(db, ct);
        return book.QuoteAll(new ParcelToShip(Guid.Empty, request.WarehouseId!.Value, null, country, request.Province?.Trim(), 0, request.WeightGrams!.Value, request.VolumeMm3 ?? 0));
    }

    private static string Cut(string text) => text.Length <= 4000 ? text : text[..4000] + "…";

    private static string Yuan(long minor) => MinorUnits.ToMajor(minor).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Destinations typed as a list: Chinese or Latin commas, 、, semicolons, spaces or new lines between them.</summary>
    public static List<string> SplitDestinations(string? text) =>
        (text ?? "").Split([',', '，', ';', '；', '、', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private async Task ApplyAsync(RateTable table, RateTableInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        if (input.ServiceId is not { } serviceId) check.Add("serviceId", "required", "Choose the service the table prices.");
        else if (!await db.Set<CarrierService>().AnyAsync(s => s.Id == serviceId, ct)) check.Add("serviceId", "unknown", $"No service {serviceId}.", serviceId);
        if (input.WarehouseId is { } w && !await WarehouseQueries.Summaries(db).AnyAsync(x => x.Id == w, ct)) check.Add("warehouseId", "unknown", $"No warehouse {w}.", w);
        if (input.ServiceId is { } sid && await db.Set<RateTable>().AnyAsync(t => t.ServiceId == sid && t.WarehouseId == input.WarehouseId && t.Id != table.Id, ct))
            check.Add("warehouseId", "duplicate_rate_table", "The service already has a rate table from this warehouse.");
        var name = check.Required("name", input.Name, RateTable.NameMax);
        var currency = (input.Currency ?? "CNY").Trim().ToUpperInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)) check.Add("currency", "invalid_currency", "A currency is a three-letter code (CNY, USD).");
        var inputs = input.Zones ?? [];
        if (inputs.Count > MaxZones) check.Add("zones", "too_many_zones", $"A rate table has at most {MaxZones} zones.", MaxZones);
        var zones = inputs.Select((z, i) => Zone(z ?? new RateZoneInput(null, null, null, null, null, null, null, null), $"zones[{i}].", check, i)).ToList();
        check.ThrowIfAny();
        (table.ServiceId, table.WarehouseId, table.Name, table.Currency, table.UpdatedAt) = (input.ServiceId!.Value, input.WarehouseId, name, currency, db.Time.StoredUtcNow());
        await ReplaceZonesAsync(table, zones, ct);
    }

    private async Task ReplaceZonesAsync(RateTable table, List<RateZone> zones, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.Entry(table).State == EntityState.Detached) db.Add(table);
        table.UpdatedAt = db.Time.StoredUtcNow();
        var before = await db.Set<RateZone>().CountAsync(z => z.TableId == table.Id, ct);
        await db.Set<RateZone>().Where(z => z.TableId == table.Id).ExecuteDeleteAsync(ct);
        // The zones are the table's prices: their replacement is logged with the table (how many before and after, and each new zone).
        db.Add(new AuditEntry
        {
            At = table.UpdatedAt, UserId = user.UserId, UserName = user.UserName, Category = AuditCategory.System, EntityType = "rate_table", EntityId = table.Name,
            Action = "zones",
            Changes = JsonSerializer.Serialize(new Dictionary<string, object?[]>
            {
                ["zones"] = [before, zones.Count],
                ["prices"] = [null, Cut(string.Join("; ", zones.Select(z => $"{z.Name} {string.Join("、", z.Destinations)} {z.FirstGrams}g {z.FirstPrice}+{z.StepGrams}g {z.StepPrice}")))],
            }),
        });
        foreach (var zone in zones) zone.TableId = table.Id;
        db.AddRange(zones);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>One zone checked field by field under <paramref name="at"/> (<c>zones[3].</c> in the API, nothing in a sheet row).</summary>
    private static RateZone Zone(RateZoneInput z, string at, InputCheck check, int position)
    {
        var name = check.Required(at + "name", z.Name, RateZone.NameMax);
        var destinations = (z.Destinations ?? []).Select(d => d.Trim()).Where(d => d.Length > 0).Select(d => Destination.IsCountryCode(d) ? d.ToUpperInvariant() : d)
            .Distinct().ToList();
        if (destinations.Count == 0) check.Add(at + "destinations", "no_destinations", "Name the provinces, country codes or * the zone covers.");
        if (destinations.Any(d => d.Length > 50)) check.Add(at + "destinations", "too_long", "A destination is longer than 50 characters.", 50);
        if (z.FirstGrams is not (> 0 and <= 1_000_000)) check.Add(at + "firstGrams", "out_of_range", "The first weight must be 1–1,000,000 g.", 1, 1_000_000);
        if (z.FirstPrice is not (>= 0 and <= 100_000_000)) check.Add(at + "firstPrice", "out_of_range", "The first weight price must be 0–1,000,000.", 0, 1_000_000);
        if (z.StepGrams is < 0 or > 1_000_000) check.Add(at + "stepGrams", "out_of_range", "The additional weight step must be 0–1,000,000 g.", 0, 1_000_000);
        if (z.StepPrice is < 0 or > 100_000_000) check.Add(at + "stepPrice", "out_of_range", "The additional step price must be 0–1,000,000.", 0, 1_000_000);
        if (z.StepPrice is > 0 && z.StepGrams is not > 0) check.Add(at + "stepGrams", "step_needs_weight", "A step price needs the step's weight.");
        if (z.MinCharge is < 0 or > 100_000_000) check.Add(at + "minCharge", "out_of_range", "The minimum charge must be 0–1,000,000.", 0, 1_000_000);
        if (z.MaxGrams is { } max && (max <= 0 || max < (z.FirstGrams ?? 0)))
            check.Add(at + "maxGrams", "below_first_weight", "The maximum weight must be at least the first weight.");
        return new RateZone
        {
            Position = position, Name = name, Destinations = destinations, FirstGrams = z.FirstGrams ?? 0, FirstPrice = z.FirstPrice ?? 0, StepGrams = z.StepGrams ?? 0,
            StepPrice = z.StepPrice ?? 0, MinCharge = z.MinCharge ?? 0, MaxGrams = z.MaxGrams,
        };
    }

    private static RateZoneView ZoneView(RateZone z) => new(z.Name, z.Destinations, z.FirstGrams, z.FirstPrice, z.StepGrams, z.StepPrice, z.MinCharge, z.MaxGrams);

    private static RateTableView View(RateTable t, CarrierServiceSummary s, int zoneCount, IReadOnlyList<RateZoneView>? zones) =>
        new(t.Id, t.ServiceId, s.CarrierCode, s.CarrierName, s.Name, t.WarehouseId, t.Name, t.Currency, zoneCount, zones, t.UpdatedAt);
}
