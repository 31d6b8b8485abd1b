using Microsoft.EntityFrameworkCore;
using Shelfbook.Catalog.Contracts;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;
using Shelfbook.Platform.Tenancy;

namespace Shelfbook.Orders.Features.Presale;

/// <summary>A 预售商品 as shown: the day it ships from on the tenant's clock, that moment in UTC, and whether it still acts.</summary>
public sealed record PresaleSkuView(Guid Id, Guid SkuId, string SkuCode, string? ProductName, DateOnly ShipFrom, DateTime ShipFromUtc, bool Active, string? Note);

/// <summary>A SKU code (a combo's too; an alias or barcode names its SKU), the day it ships from, a note.</summary>
public sealed record PresaleSkuInput(string? SkuCode, DateOnly? ShipFrom, string? Note);

/// <summary>
/// 预售商品: the SKUs sold ahead of stock and the day each ships from. Setting a SKU again changes its day; an entry whose
/// day has passed stays listed (inactive) until removed.
/// </summary>
public sealed class ManagePresaleSkus(TenantDbContext db, ISkuDirectory skus, CurrentUser user)
{
    public const int Max = 5000;

    public async Task<IReadOnlyList<PresaleSkuView>> ListAsync(CancellationToken ct)
    {
        var rows = await db.Set<PresaleSku>().AsNoTracking().OrderBy(p => p.ShipFrom).ThenBy(p => p.SkuCode).ToListAsync(ct);
        var names = await skus.ByIdsAsync(rows.Select(r => r.SkuId), ct);
        var now = db.Time.StoredUtcNow();
        return rows.Select(r => View(r, names.TryGetValue(r.SkuId, out var s) ? s.ProductName : null, now)).ToList();
    }

    /// <summary>Sets a SKU's ship-from day (adding it, or changing the day and note it has).</summary>
    public async Task<PresaleSkuView> SetAsync(PresaleSkuInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        var code = input.SkuCode?.Trim();
        SkuSummary? sku = null;
        if (string.IsNullOrEmpty(code)) check.Add("skuCode", "required", "Name the SKU sold on presale.");
        else if (!(await skus.FindByCodesAsync([code], ct)).TryGetValue(code, out sku))
            check.Add("skuCode", "unknown_sku", $"No SKU, alias or barcode {code}.", code);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(db.Time.StoredUtcNow(), user.TimeZone));
        if (input.ShipFrom is not { } day) check.Add("shipFrom", "required", "Give the day the SKU ships from.");
        else if (day <= today) check.Add("shipFrom", "not_future", "The ship-from day must come after today.");
        else if (day > today.AddYears(1)) check.Add("shipFrom", "too_far", "The ship-from day must lie within a year.");
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (note is { Length: > PresaleSku.NoteMax }) check.Add("note", "too_long", $"The note is longer than {PresaleSku.NoteMax} characters.", PresaleSku.NoteMax);
        if (sku is not null && await db.Set<PresaleSku>().CountAsync(ct) >= Max && !await db.Set<PresaleSku>().AnyAsync(p => p.SkuId == sku.Id, ct))
            check.Add("skuCode", "presale_full", $"At most {Max} presale SKUs; remove those whose day has passed.", Max);
        check.ThrowIfAny();

        var now = db.Time.StoredUtcNow();
        var row = await db.Set<PresaleSku>().SingleOrDefaultAsync(p => p.SkuId == sku!.Id, ct);
        if (row is null) db.Add(row = new PresaleSku { SkuId = sku!.Id, CreatedAt = now });
        (row.SkuCode, row.ShipFrom, row.Note, row.UpdatedAt) = (sku!.Code, StartOf(input.ShipFrom!.Value), note, now);
        await db.SaveChangesAsync(ct);
        return View(row, sku.ProductName, now);
    }

    public async Task DeleteAsync(Guid id, CancellationToken ct)
    {
        var row = await db.Set<PresaleSku>().SingleOrDefaultAsync(p => p.Id == id, ct) ?? throw new NotFoundException("presale_sku", id);
        db.Remove(row);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Midnight starting the day on the tenant's clock, in UTC.</summary>
    private DateTime StartOf(DateOnly day) => TenantTime.ToUtc(day.ToDateTime(TimeOnly.MinValue), user.TimeZone);

    private PresaleSkuView View(PresaleSku r, string? productName, DateTime now) =>
        new(r.Id, r.SkuId, r.SkuCode, productName, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(r.ShipFrom, user.TimeZone)), r.ShipFrom, r.ShipFrom > now, r.Note);
}
