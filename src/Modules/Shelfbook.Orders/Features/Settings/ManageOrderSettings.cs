using Microsoft.EntityFrameworkCore;
using Shelfbook.Data.Tenancy;
using Shelfbook.Kernel;
using Shelfbook.Orders.Domain;

namespace Shelfbook.Orders.Features.Settings;

public sealed record OrderSettingsView(bool SplitByWarehouse, int? AnomalyBelowCostPercent, long? AnomalyAbove, string AnomalyCurrency, bool AutoMerge, int? SplitAboveGrams = null, bool SplitPresale = false);

/// <summary>The whole settings: a switch left out is off, an amount check left out (null) is off, the currency defaults to CNY.</summary>
public sealed record OrderSettingsInput(
    bool? SplitByWarehouse, int? AnomalyBelowCostPercent, long? AnomalyAbove, string? AnomalyCurrency, bool? AutoMerge, int? SplitAboveGrams = null, bool? SplitPresale = null);

/// <summary>订单设置: the tenant's choices for audit (split by warehouse, by weight, by presale line), intake (amount anomaly) and merging.</summary>
public sealed class ManageOrderSettings(TenantDbContext db)
{
    public const int PercentMax = 1000;

    /// <summary>The heaviest parcel limit one may set (1,000 kg): above that no carrier takes a parcel anyway.</summary>
    public const int GramsMax = 1_000_000;

    /// <summary>The settings as stored, or the defaults (everything off) before anyone saved them.</summary>
    public static async Task<OrderSettings> ReadAsync(TenantDbContext db, CancellationToken ct) =>
        await db.Set<OrderSettings>().AsNoTracking().SingleOrDefaultAsync(ct) ?? new OrderSettings();

    public async Task<OrderSettingsView> GetAsync(CancellationToken ct) => View(await ReadAsync(db, ct));

    public async Task<OrderSettingsView> UpdateAsync(OrderSettingsInput input, CancellationToken ct)
    {
        var check = new InputCheck();
        if (input.AnomalyBelowCostPercent is < 1 or > PercentMax)
            check.Add("anomalyBelowCostPercent", "out_of_range", $"anomalyBelowCostPercent must be 1–{PercentMax}.", 1, PercentMax);
        if (input.SplitAboveGrams is < 1 or > GramsMax)
            check.Add("splitAboveGrams", "out_of_range", $"splitAboveGrams must be 1–{GramsMax} grams.", 1, GramsMax);
        if (input.AnomalyAbove is < 1) check.Add("anomalyAbove", "positive", "anomalyAbove must be at least 1 (minor units).");
        var currency = input.AnomalyCurrency?.Trim().ToUpperInvariant();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetter)))
            check.Add("anomalyCurrency", "invalid_currency", "A currency is a three-letter code (CNY, USD).");
        check.ThrowIfAny();
        var settings = await db.Set<OrderSettings>().SingleOrDefaultAsync(ct);
        if (settings is null) db.Set<OrderSettings>().Add(settings = new OrderSettings());
        (settings.SplitByWarehouse, settings.AutoMerge, settings.SplitAboveGrams, settings.SplitPresale) =
            (input.SplitByWarehouse ?? false, input.AutoMerge ?? false, input.SplitAboveGrams, input.SplitPresale ?? false);
        (settings.AnomalyBelowCostPercent, settings.AnomalyAbove, settings.AnomalyCurrency) = (input.AnomalyBelowCostPercent, input.AnomalyAbove, currency ?? "CNY");
        settings.UpdatedAt = db.Time.StoredUtcNow();
        await db.SaveChangesAsync(ct);
        return View(settings);
    }

    private static OrderSettingsView View(OrderSettings s) =>
        new(s.SplitByWarehouse, s.AnomalyBelowCostPercent, s.AnomalyAbove, s.AnomalyCurrency, s.AutoMerge, s.SplitAboveGrams, s.SplitPresale);
}
